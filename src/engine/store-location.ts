import type { EngineOptions } from './engine.ts';

export interface StoreLocation {
  graphRoot: string;
  runRoot: string;
  driver: string;
  rootless: boolean;
  /** overlay's mount program (fuse-overlayfs): `--storage-opt overlay.mount_program=`, else storage.conf */
  mountProgram?: string | undefined;
}

/** --root/--runroot win over storage.conf, which wins over the built-in defaults. */
export async function resolveStoreLocation(options: EngineOptions): Promise<StoreLocation> {
  const { loadStorageConf } = await import('../infra/config/storage-conf.ts');
  const { isRootless } = await import('../infra/config/paths.ts');
  const rootless = isRootless();
  const conf = loadStorageConf();
  return {
    graphRoot: options.root ?? conf.graphroot,
    runRoot: options.runroot ?? conf.runroot,
    driver: options.storageDriver ?? conf.driver,
    rootless,
    mountProgram: storageOptValue(options.storageOpts, 'mount_program') ?? conf.options.mountProgram,
  };
}

/** `--storage-opt [overlay.]KEY=VALUE`: the last value given for KEY. */
function storageOptValue(opts: readonly string[] | undefined, key: string): string | undefined {
  let value: string | undefined;
  for (const opt of opts ?? []) {
    const eq = opt.indexOf('=');
    if (eq > 0 && opt.slice(0, eq).replace(/^overlay\./, '') === key) value = opt.slice(eq + 1);
  }
  return value;
}
