/** Runs tasks with at most `limit` at once; the first failure stops new tasks and is thrown once all running ones end. */
export async function runLimited(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  let failed: { err: unknown } | undefined;
  const worker = async () => {
    while (next < tasks.length && failed === undefined) {
      const task = tasks[next++]!;
      try {
        await task();
      } catch (err) {
        failed ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  if (failed !== undefined) throw failed.err;
}
