/**
 * Container rows: config and state as JSON, the name unique. Lookups follow Podman: full
 * ID, then exact name, then a unique ID prefix. State changes are read-check-write inside
 * one write transaction, so concurrent skiff processes cannot both win a transition.
 */
import { InvalidArgumentError, NameInUseError, NoSuchContainerError } from '../../define/errors.ts';
import type { StateDb } from '../../infra/state/db.ts';
import type { ContainerConfig, ContainerState } from './model.ts';

export interface ContainerRecord {
  config: ContainerConfig;
  state: ContainerState;
}

interface Row {
  id: string;
  name: string;
  config: string;
  state: string;
}

function fromRow(r: Row): ContainerRecord {
  return { config: JSON.parse(r.config) as ContainerConfig, state: JSON.parse(r.state) as ContainerState };
}

export class ContainerRepo {
  readonly #db: StateDb;
  constructor(db: StateDb) {
    this.#db = db;
  }

  get db(): StateDb {
    return this.#db;
  }

  list(): ContainerRecord[] {
    return this.#db.all<Row>('SELECT id, name, config, state FROM containers ORDER BY created').map(fromRow);
  }

  count(): number {
    return Number(this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM containers')!.n);
  }

  find(nameOrId: string): ContainerRecord | undefined {
    const exact = this.#db.get<Row>('SELECT id, name, config, state FROM containers WHERE id = ? OR name = ?', nameOrId, nameOrId);
    if (exact) return fromRow(exact);
    if (!/^[0-9a-f]{1,63}$/.test(nameOrId)) return undefined;
    const rows = this.#db.all<Row>("SELECT id, name, config, state FROM containers WHERE id >= ? AND id < ? || 'g'", nameOrId, nameOrId);
    if (rows.length > 1) throw new InvalidArgumentError(`more than one result for container ID ${nameOrId}: container already exists`);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  get(nameOrId: string): ContainerRecord {
    const c = this.find(nameOrId);
    if (!c) throw new NoSuchContainerError(nameOrId);
    return c;
  }

  byId(id: string): ContainerRecord | undefined {
    const r = this.#db.get<Row>('SELECT id, name, config, state FROM containers WHERE id = ?', id);
    return r ? fromRow(r) : undefined;
  }

  nameTaken(name: string): string | undefined {
    return this.#db.get<{ id: string }>('SELECT id FROM containers WHERE name = ?', name)?.id;
  }

  insert(rec: ContainerRecord): void {
    this.#db.write(() => {
      const holder = this.nameTaken(rec.config.name);
      if (holder) {
        throw new NameInUseError(`the container name "${rec.config.name}" is already in use by ${holder}. You have to remove that container to be able to reuse that name: that name is already in use`);
      }
      this.#db.run(
        'INSERT INTO containers (id, name, image_id, layer_id, created, config, state) VALUES (?, ?, ?, ?, ?, ?, ?)',
        rec.config.id, rec.config.name, rec.config.imageId || null, rec.config.id, Date.parse(rec.config.created), JSON.stringify(rec.config), JSON.stringify(rec.state),
      );
    });
  }

  /**
   * Applies `fn` to the current state in one write transaction and stores what it returns.
   * `fn` may throw (e.g. InvalidStateError) to abort without a change.
   */
  updateState(id: string, fn: (state: ContainerState, config: ContainerConfig) => ContainerState): ContainerRecord {
    return this.#db.write(() => {
      const cur = this.byId(id);
      if (!cur) throw new NoSuchContainerError(id);
      const next = fn(structuredClone(cur.state), cur.config);
      this.#db.run('UPDATE containers SET state = ? WHERE id = ?', JSON.stringify(next), id);
      return { config: cur.config, state: next };
    });
  }

  updateConfig(id: string, fn: (config: ContainerConfig) => ContainerConfig): ContainerRecord {
    return this.#db.write(() => {
      const cur = this.byId(id);
      if (!cur) throw new NoSuchContainerError(id);
      const next = fn(structuredClone(cur.config));
      if (next.name !== cur.config.name) {
        const holder = this.nameTaken(next.name);
        if (holder) throw new NameInUseError(`the container name "${next.name}" is already in use by ${holder}. You have to remove that container to be able to reuse that name: that name is already in use`);
      }
      this.#db.run('UPDATE containers SET config = ?, name = ? WHERE id = ?', JSON.stringify(next), next.name, id);
      return { config: next, state: cur.state };
    });
  }

  delete(id: string): boolean {
    return this.#db.write(() => this.#db.run('DELETE FROM containers WHERE id = ?', id).changes > 0);
  }
}
