/**
 * Recording events (the `file` backend; containers.conf `events_logger`, `--events-backend`):
 * to `events_logfile_path`, else `<tmpdir>/events/events.log` with `--tmpdir`, else under the
 * run root. `journald` is recorded to the file too: skiff has no journal writer. `none`
 * records nothing. A failed write loses the event, never the command it reports. Past
 * `events_logfile_max_size` the log keeps its newer half and records a `log-rotation` event.
 */
import path from 'node:path';
import type { ContainerConfig } from '../domain/containers/model.ts';
import { normalizeEvent, type SkiffEvent } from '../domain/events/event.ts';
import { nowRfc3339 } from '../domain/containers/timestamps.ts';
import { parseHumanSize } from '../domain/containers/option-parsers.ts';
import { appendEventLine, eventLogSize, rotateEventLog } from '../infra/events/event-log.ts';
import type { Engine } from './engine.ts';

export class EventLog {
  readonly #engine: Engine;
  #file: string | null | undefined;
  #maxSize = 0;

  constructor(engine: Engine) {
    this.#engine = engine;
  }

  /** The log file, or null when events are off. */
  async file(): Promise<string | null> {
    if (this.#file === undefined) {
      const conf = await this.#engine.containers.conf();
      this.#file = this.#resolve(conf);
      try {
        this.#maxSize = parseHumanSize(conf.engine.eventsLogfileMaxSize || '0');
      } catch {
        this.#maxSize = 0;
      }
    }
    return this.#file;
  }

  #resolve(conf: { engine: { eventsLogger: string; eventsLogfilePath: string; tmpDir: string } }): string | null {
    const backend = this.#engine.options.eventsBackend || conf.engine.eventsLogger;
    if (backend === 'none') return null;
    if (conf.engine.eventsLogfilePath) return conf.engine.eventsLogfilePath;
    const tmp = this.#engine.options.tmpdir || conf.engine.tmpDir;
    return tmp ? path.join(tmp, 'events', 'events.log') : path.join(this.#engine.store.paths.runRoot, 'events', 'events.log');
  }

  async emit(event: Omit<SkiffEvent, 'Time'>): Promise<void> {
    try {
      const file = await this.file();
      if (!file) return;
      const line = JSON.stringify(normalizeEvent({ ...event, Time: nowRfc3339() }));
      if (this.#maxSize > 0 && eventLogSize(file) + line.length + 1 > this.#maxSize && (await rotateEventLog(file, this.#maxSize - line.length - 1))) {
        appendEventLine(file, JSON.stringify(normalizeEvent({ Name: file, Status: 'log-rotation', Time: nowRfc3339(), Type: 'system', Attributes: null })));
      }
      appendEventLine(file, line);
    } catch {
      // the event is lost; what it reports happened all the same
    }
  }

  container(config: ContainerConfig, status: string, extra: Partial<SkiffEvent> = {}): Promise<void> {
    return this.emit({ ID: config.id, Image: config.imageName, Name: config.name, Status: status, Type: 'container', Attributes: { ...config.labels }, ...extra });
  }
}
