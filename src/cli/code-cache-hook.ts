/**
 * How the CLI tells its launcher (launch.ts) that a command succeeded, so that the code cache
 * grows by the functions that command used. The two are separate bundles that share no
 * module state, only the global object.
 */
export interface CodeCacheHook {
  succeeded(command: string): void;
}

const key = Symbol.for('skiff.codeCacheHook');
const slot = globalThis as unknown as Record<symbol, CodeCacheHook | undefined>;

export const codeCacheHook = {
  install(hook: CodeCacheHook): void {
    slot[key] = hook;
  },
  succeeded(command: string): void {
    slot[key]?.succeeded(command);
  },
};
