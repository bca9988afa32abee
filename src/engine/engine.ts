/**
 * The engine: skiff's typed API (Options in, Reports out). The CLI is one client; programs
 * may import it as a library. A local implementation over the store and the OCI runtime.
 */
import type { Store } from '../infra/storage/store.ts';
import { ContainerEngine } from './container-engine.ts';
import { EventLog } from './events.ts';
import { ImageEngine } from './image-engine.ts';
import { NetworkEngine } from './network-engine.ts';
import { SecretEngine } from './secret-engine.ts';
import { resolveStoreLocation } from './store-location.ts';
import { SystemEngine } from './system-engine.ts';
import { VolumeEngine } from './volume-engine.ts';

export interface EngineOptions {
  root?: string | undefined;
  runroot?: string | undefined;
  storageDriver?: string | undefined;
  storageOpts?: string[] | undefined;
  runtime?: string | undefined;
  cgroupManager?: string | undefined;
  eventsBackend?: string | undefined;
  tmpdir?: string | undefined;
  conmon?: string | undefined;
  /** Where non-fatal warnings go (the CLI prints them as `WARN[0000] …`). */
  warn?: ((message: string) => void) | undefined;
}

export class Engine {
  readonly options: EngineOptions;
  readonly store: Store;
  readonly images: ImageEngine;
  readonly containers: ContainerEngine;
  readonly system: SystemEngine;
  readonly networks: NetworkEngine;
  readonly volumes: VolumeEngine;
  readonly events: EventLog;
  readonly secrets: SecretEngine;
  constructor(options: EngineOptions, store: Store) {
    this.options = options;
    this.store = store;
    this.images = new ImageEngine(this);
    this.containers = new ContainerEngine(this);
    this.system = new SystemEngine(this);
    this.networks = new NetworkEngine(this);
    this.volumes = new VolumeEngine(this);
    this.events = new EventLog(this);
    this.secrets = new SecretEngine(this);
  }

  get tmpDir(): string {
    return this.options.tmpdir ?? this.store.paths.staging;
  }

  async close(): Promise<void> {
    this.store.close();
  }
}

export async function openEngine(options: EngineOptions): Promise<Engine> {
  const location = await resolveStoreLocation(options);
  const { Store } = await import('../infra/storage/store.ts');
  const store = Store.open({ graphRoot: location.graphRoot, runRoot: location.runRoot, whiteoutFormat: location.rootless ? 'overlay-user' : 'overlay-root', mountProgram: location.mountProgram });
  return new Engine(options, store);
}
