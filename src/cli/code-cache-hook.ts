/**
 * How the CLI tells its launcher (launch.ts) that the command succeeded, so that its code
 * cache can be written with the functions it used. The two are separate bundles that share
 * no module state, only the global object.
 */
export interface CodeCacheHook {
  succeeded(): void;
}

const key = Symbol.for('skiff.codeCacheHook');
const slot = globalThis as unknown as Record<symbol, CodeCacheHook | undefined>;

export const codeCacheHook = {
  install(hook: CodeCacheHook): void {
    slot[key] = hook;
  },
  succeeded(): void {
    slot[key]?.succeeded();
  },
};
