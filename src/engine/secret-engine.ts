/**
 * `secret create|ls|inspect|rm` over the `secrets` table, and the data containers get. The
 * data lives in the store's database (readable by its owner only), never in a log, an
 * event or an inspect report.
 */
import path from 'node:path';
import { InvalidArgumentError, NoSuchSecretError, SkiffError } from '../define/errors.ts';
import { parseKeyValues } from '../domain/containers/option-parsers.ts';
import { nowRfc3339 } from '../domain/containers/timestamps.ts';
import { checkSecretData, checkSecretName, type SecretInspect } from '../domain/secrets/secret.ts';
import { randomBytes } from '../infra/sys/random.ts';
import type { BatchReport } from './container-reports.ts';
import type { Engine } from './engine.ts';

export interface SecretRecord {
  id: string;
  name: string;
  created: string;
  labels: Record<string, string>;
}

type Row = { id: string; name: string; created: string; labels: string };

function fromRow(r: Row): SecretRecord {
  return { id: r.id, name: r.name, created: r.created, labels: JSON.parse(r.labels) as Record<string, string> };
}

export class SecretEngine {
  readonly #engine: Engine;
  constructor(engine: Engine) {
    this.#engine = engine;
  }

  get #db() {
    return this.#engine.store.db;
  }

  list(): SecretRecord[] {
    return this.#db.all<Row>('SELECT id, name, created, labels FROM secrets ORDER BY created').map(fromRow);
  }

  /** By name, full ID or unique ID prefix, as Podman looks secrets up. */
  lookup(nameOrId: string): SecretRecord {
    const byName = this.#db.get<Row>('SELECT id, name, created, labels FROM secrets WHERE name = ?', nameOrId);
    if (byName) return fromRow(byName);
    const byId = /^[0-9a-f]+$/.test(nameOrId) ? this.#db.all<Row>('SELECT id, name, created, labels FROM secrets WHERE id LIKE ?', `${nameOrId}%`) : [];
    if (byId.length === 1) return fromRow(byId[0]!);
    throw new NoSuchSecretError(nameOrId);
  }

  async create(name: string, data: Buffer, opts: { driver?: string | undefined; labels?: readonly string[] } = {}): Promise<string> {
    checkSecretName(name);
    if (opts.driver && opts.driver !== 'file') throw new InvalidArgumentError(`${opts.driver}: unknown secret driver: invalid argument`);
    checkSecretData(data);
    const labels = parseKeyValues(opts.labels ?? [], 'label');
    const id = randomBytes(13).toString('hex').slice(0, 25);
    this.#db.write(() => {
      if (this.#db.get('SELECT id FROM secrets WHERE name = ?', name)) throw new SkiffError(`${name}: secret name in use`);
      this.#db.run('INSERT INTO secrets (id, name, created, labels, data) VALUES (?, ?, ?, ?, ?)', id, name, nowRfc3339(), JSON.stringify(labels), data);
    });
    return id;
  }

  inspect(nameOrId: string): SecretInspect {
    const s = this.lookup(nameOrId);
    return {
      ID: s.id,
      CreatedAt: s.created,
      UpdatedAt: s.created,
      Spec: { Name: s.name, Driver: { Name: 'file', Options: { path: path.join(this.#engine.store.paths.graphRoot, 'secrets', 'filedriver') } }, Labels: s.labels },
    };
  }

  /** The secret's data, for a container being set up. */
  data(id: string): Buffer {
    const row = this.#db.get<{ data: Uint8Array }>('SELECT data FROM secrets WHERE id = ?', id);
    if (!row) throw new NoSuchSecretError(id);
    return Buffer.from(row.data);
  }

  remove(namesOrIds: readonly string[], opts: { all?: boolean } = {}): BatchReport[] {
    const targets = opts.all ? this.list().map((s) => s.id) : namesOrIds;
    return targets.map((input) => {
      try {
        const s = this.lookup(input);
        this.#db.write(() => this.#db.run('DELETE FROM secrets WHERE id = ?', s.id));
        return { Id: s.id, RawInput: s.id };
      } catch (err) {
        return { Id: input, RawInput: input, Err: err as Error };
      }
    });
  }
}
