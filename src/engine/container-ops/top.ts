/**
 * `top`: the processes of a running container by format descriptors, read from /proc; with
 * descriptors psgo does not know (ps(1) options such as `aux`), ps itself runs in the
 * container and its output is passed on, as Podman does.
 */
import { PassThrough } from 'node:stream';
import { InvalidStateError, SkiffError } from '../../define/errors.ts';
import { parseDescriptors, topTable, UnknownDescriptorError } from '../../domain/containers/top/top.ts';
import type { ContainerEngine } from '../container-engine.ts';
import { isRunning } from './container-fs.ts';
import { execInContainer } from './exec.ts';

export type TopReport = { table: string[][] } | { psOutput: string };

export async function topContainer(ce: ContainerEngine, nameOrId: string, args: readonly string[]): Promise<TopReport> {
  const id = ce.lookup(nameOrId).config.id;
  const rec = await ce.withLock(id, () => ce.sync(id));
  if (!isRunning(rec) || rec.state.status !== 'running') throw new InvalidStateError('top can only be used on running containers');
  let descriptors: string[];
  try {
    descriptors = parseDescriptors(args);
  } catch (err) {
    if (!(err instanceof UnknownDescriptorError)) throw err;
    return { psOutput: await psInContainer(ce, id, args) };
  }
  const pids = await ce.runtimeFor(rec.config).ps(id);
  return { table: topTable(pids, descriptors, { containerRoot: `/proc/${rec.state.pid}/root` }) };
}

async function psInContainer(ce: ContainerEngine, id: string, args: readonly string[]): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (b: Buffer) => chunks.push(b));
  const report = await execInContainer(ce, id, { command: ['ps', ...args], streams: { stdout: out, stderr: out } });
  const text = Buffer.concat(chunks).toString('utf8');
  if (report.exitCode !== 0) throw new SkiffError(`ps(1) failed with exit code ${report.exitCode}: ${text.trim()}`);
  return text;
}
