import type { EngineOptions } from './engine.ts';

export interface StoreLocation {
  graphRoot: string;
  runRoot: string;
  driver: string;
  rootless: boolean;
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
  };
}
