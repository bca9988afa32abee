/**
 * The metadata database: SQLite through node:sqlite, in WAL mode so readers never wait for
 * writers, with `busy_timeout` so concurrent skiff processes queue instead of failing, and
 * `BEGIN IMMEDIATE` for every write so a read-modify-write never interleaves with another
 * process's. The schema is versioned; migrations run inside one write transaction.
 */
import { statSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { SkiffError } from '../../define/errors.ts';
import { migrations } from './schema.ts';

const SQLITE_IOERR = 10;
const SQLITE_FULL = 13;

/**
 * The database opened for reading only, when the disk is full: a WAL database cannot be read
 * without its -shm file, and when no connection is open there is none and no room to make
 * one. The last connection checkpointed everything into the main file when it closed (an
 * empty or missing -wal says so), so that file, read as immutable, is the whole state; writes
 * then fail with the reason. Undefined when that does not hold.
 */
function openForReadingOnFullDisk(path: string, err: unknown): DatabaseSync | undefined {
  const code = Number((err as { errcode?: number }).errcode) & 0xff;
  if (code !== SQLITE_IOERR && code !== SQLITE_FULL) return undefined;
  // only a disk that is full (or all but: SQLite wants room for its 32 KiB -shm file)
  const fsStat = statfsSync(dirname(path));
  if (fsStat.bavail * fsStat.bsize >= 64 * 1024) return undefined;
  if ((statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0) return undefined;
  const url = new URL('file:');
  url.pathname = path;
  url.searchParams.set('immutable', '1');
  try {
    return new DatabaseSync(url, { readOnly: true });
  } catch {
    return undefined;
  }
}

export type Row = Record<string, SQLInputValue>;

export class StateDb {
  readonly #db: DatabaseSync;
  #depth = 0;
  readonly #statements = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  /** set when the disk was full at open: reads work, writes fail with this */
  readonly #readOnlyBecause: string | undefined;

  constructor(path: string) {
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(path, { timeout: 60_000 });
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
    } catch (err) {
      db?.close();
      const readOnly = openForReadingOnFullDisk(path, err);
      if (!readOnly) throw err;
      this.#db = readOnly;
      this.#readOnlyBecause = `${path}: no space left on device`;
      return;
    }
    this.#db = db;
    this.#migrate();
  }

  #migrate(): void {
    const current = Number((this.#db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
    if (current >= migrations.length) return;
    this.write(() => {
      const again = Number((this.#db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
      for (let v = again; v < migrations.length; v++) this.#db.exec(migrations[v]!);
      this.#db.exec(`PRAGMA user_version = ${migrations.length}`);
    });
  }

  #stmt(sql: string): ReturnType<DatabaseSync['prepare']> {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  all<T = Row>(sql: string, ...params: SQLInputValue[]): T[] {
    return this.#stmt(sql).all(...params) as T[];
  }

  get<T = Row>(sql: string, ...params: SQLInputValue[]): T | undefined {
    return this.#stmt(sql).get(...params) as T | undefined;
  }

  run(sql: string, ...params: SQLInputValue[]): { changes: number } {
    const r = this.#stmt(sql).run(...params);
    return { changes: Number(r.changes) };
  }

  /** Runs fn in a write transaction (nested calls join the outer one). */
  write<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    if (this.#readOnlyBecause) throw new SkiffError(this.#readOnlyBecause);
    this.#db.exec('BEGIN IMMEDIATE');
    this.#depth++;
    try {
      const result = fn();
      this.#db.exec('COMMIT');
      return result;
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    } finally {
      this.#depth--;
    }
  }

  /** Runs fn in a read transaction: one consistent snapshot for several queries. */
  read<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    this.#db.exec('BEGIN');
    this.#depth++;
    try {
      return fn();
    } finally {
      this.#depth--;
      this.#db.exec('COMMIT');
    }
  }

  close(): void {
    this.#statements.clear();
    this.#db.close();
  }
}
