/**
 * The host side of `RUN --mount`: every mount becomes a `--mount` of the step's container
 * whose source skiff prepared, and everything prepared is undone by `release()` once the
 * step is over (the container's own mounts go with the container).
 *
 * - cache: `<graphroot>/build-cache/<id>`, created on first use with the mount's mode and
 *   owner and kept between builds; `sharing=locked|private` hold a lock on it for the step.
 * - bind: a path of the build context (never outside it: `..` and symlinks out are refused),
 *   or of a stage's or image's root (symlinks resolved inside that root). Read-only unless
 *   `rw`, and then writes land in a throwaway overlay (or copy, for a file): neither the
 *   context nor an image is ever changed.
 * - secret: the `--secret`'s content in a private file under the run root, read-only.
 * - tmpfs: the container's own tmpfs.
 * - ssh: a socket of skiff's under the run root, with the mount's owner and mode: an
 *   ssh-agent holding the `--ssh` keys, or a relay to the agent socket given. SSH_AUTH_SOCK
 *   names the first one in the step's environment (never in the image).
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '../define/errors.ts';
import type { BindRunMount, CacheRunMount, RunMount, SecretRunMount, SshRunMount } from '../domain/build/build-mounts.ts';
import { cacheDirName } from '../domain/build/build-mounts.ts';
import { readSecret, type BuildSecret } from '../domain/build/build-secrets.ts';
import type { BuildSshSource } from '../domain/build/build-ssh.ts';
import { resolveInRoot } from '../domain/containers/spec/resolve-user.ts';
import { isRootless } from '../infra/config/paths.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
import type { Engine } from './engine.ts';

export interface RunMountContext {
  contextDir: string;
  secrets: ReadonlyMap<string, BuildSecret>;
  /** `--ssh` agents, by id, for type=ssh */
  ssh: ReadonlyMap<string, BuildSshSource>;
  /** a `from=` reference: an earlier stage's image (stage true), else an image by name */
  resolveFrom: (ref: string) => Promise<{ image: ImageRecord | undefined; stage: boolean }>;
}

export interface PreparedRunMounts {
  /** for the container's --mount */
  mounts: string[];
  /** the container paths mounted over, whose mount points must not end up in the layer */
  targets: string[];
  /** variables the step's process gets (SSH_AUTH_SOCK) */
  env: string[];
  /** undoes what prepareRunMounts did; safe to call once */
  release: () => void;
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Container --mount text; the fields are comma-separated, so a path with a comma cannot be passed. */
function mountText(fields: string[]): string {
  const bad = fields.find((f) => f.includes(','));
  if (bad) throw new InvalidArgumentError(`RUN --mount: ${JSON.stringify(bad.replace(/^[a-z]+=/, ''))}: paths containing "," cannot be mounted`);
  return fields.join(',');
}

/** Sets up `mounts` for one RUN. On error, whatever was already set up is undone. */
export async function prepareRunMounts(engine: Engine, mounts: readonly RunMount[], ctx: RunMountContext): Promise<PreparedRunMounts> {
  const undo: (() => void)[] = [];
  const release = (): void => {
    for (const fn of undo.splice(0).reverse()) {
      try {
        fn();
      } catch {
        // one step failing must not keep the others from being undone
      }
    }
  };
  let work: string | undefined;
  const workDir = (): string => {
    if (work === undefined) {
      fs.mkdirSync(engine.store.paths.staging, { recursive: true, mode: 0o700 });
      const dir = fs.mkdtempSync(path.join(engine.store.paths.staging, `${process.pid}-run-mounts-`));
      undo.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      work = dir;
    }
    return work;
  };
  const out: PreparedRunMounts = { mounts: [], targets: [], env: [], release };
  const locked = new Set<string>();
  try {
    for (const [n, m] of mounts.entries()) {
      if (m.type === 'tmpfs') {
        out.mounts.push(mountText([`type=tmpfs`, `destination=${m.target}`, ...(m.size ? [`tmpfs-size=${m.size}`] : []), ...(m.mode ? [`tmpfs-mode=${m.mode}`] : []), ...(m.readOnly ? ['ro'] : [])]));
      } else if (m.type === 'secret') {
        const source = secretFile(engine, m, ctx.secrets, undo);
        if (source === undefined) continue;
        out.mounts.push(mountText(['type=bind', `source=${source}`, `destination=${m.target}`, 'ro']));
      } else if (m.type === 'ssh') {
        const source = await sshSocket(engine, m, ctx.ssh, undo);
        if (source === undefined) continue;
        out.mounts.push(mountText(['type=bind', `source=${source}`, `destination=${m.target}`]));
        if (!out.env.some((e) => e.startsWith('SSH_AUTH_SOCK='))) out.env.push(`SSH_AUTH_SOCK=${m.target}`);
      } else if (m.type === 'cache' && m.from === undefined) {
        const source = await cacheDir(engine, m, locked, undo);
        out.mounts.push(mountText(['type=bind', `source=${source}`, `destination=${m.target}`, m.readOnly ? 'ro' : 'rw']));
      } else {
        const source = await fromSource(engine, m, ctx, undo);
        const rw = m.type === 'bind' ? m.readWrite : !m.readOnly;
        const final = rw ? await throwawayCopy(source, path.join(workDir(), String(n)), undo) : source;
        out.mounts.push(mountText(['type=bind', `source=${final}`, `destination=${m.target}`, rw ? 'rw' : 'ro', ...(m.type === 'bind' ? m.extra : [])]));
      }
      out.targets.push(m.target);
    }
  } catch (err) {
    release();
    throw err;
  }
  return out;
}

/**
 * What a secret or ssh mount with `id` gets from the build, or undefined when the build has
 * none and the mount is optional.
 */
function buildSource<T>(kind: 'secret' | 'ssh', m: { id: string; required: boolean }, sources: ReadonlyMap<string, T>): T | undefined {
  const source = sources.get(m.id);
  if (!source && m.required) throw new InvalidArgumentError(`${kind} required but no ${kind} with id ${JSON.stringify(m.id)} found`);
  return source;
}

/** A new directory under the run root (private to its owner), removed by `undo`. */
function privateRunDir(engine: Engine, prefix: string, undo: (() => void)[]): string {
  fs.mkdirSync(engine.store.paths.runRoot, { recursive: true, mode: 0o700 });
  const dir = fs.mkdtempSync(path.join(engine.store.paths.runRoot, prefix));
  undo.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The secret as a file only root of the run root can reach, or undefined when the build has none and it is optional. */
function secretFile(engine: Engine, m: SecretRunMount, secrets: ReadonlyMap<string, BuildSecret>, undo: (() => void)[]): string | undefined {
  const secret = buildSource('secret', m, secrets);
  if (!secret) return undefined;
  const file = path.join(privateRunDir(engine, 'build-secret-', undo), m.id);
  fs.writeFileSync(file, readSecret(secret), { mode: 0o600, flag: 'wx' });
  fs.chownSync(file, m.uid, m.gid);
  fs.chmodSync(file, m.mode);
  return file;
}

/** The agent's socket for the step, or undefined when the build has none and it is optional. */
async function sshSocket(engine: Engine, m: SshRunMount, sources: ReadonlyMap<string, BuildSshSource>, undo: (() => void)[]): Promise<string | undefined> {
  const source = buildSource('ssh', m, sources);
  if (!source) return undefined;
  const { relaySocket, startSshAgent } = await import('../infra/sys/ssh-agent.ts');
  const socket = path.join(privateRunDir(engine, 'build-ssh-', undo), 'agent.sock');
  const service = source.kind === 'socket' ? await relaySocket(socket, source.path) : await startSshAgent(socket, source.paths);
  undo.push(() => service.close());
  fs.chownSync(socket, m.uid, m.gid);
  fs.chmodSync(socket, m.mode);
  return socket;
}

/** The cache's directory, made on first use; with sharing=locked|private, locked until release. */
async function cacheDir(engine: Engine, m: CacheRunMount, locked: Set<string>, undo: (() => void)[]): Promise<string> {
  const parent = path.join(engine.store.paths.graphRoot, 'build-cache');
  fs.mkdirSync(parent, { recursive: true, mode: 0o700 });
  const dir = path.join(parent, cacheDirName(m.id));
  // a second flock of the same file by this process would wait for itself: once per step
  if (m.sharing !== 'shared' && !locked.has(dir)) {
    locked.add(dir);
    const { FileLock } = await import('../infra/sys/flock.ts');
    // cache names never hold a '.', so `<name>.lock` is no other cache's name
    const lock = FileLock.acquire(`${dir}.lock`);
    undo.push(() => lock.release());
  }
  try {
    fs.mkdirSync(dir);
    fs.chownSync(dir, m.uid, m.gid);
    fs.chmodSync(dir, m.mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return dir;
}

/** The host path of a bind's (or `from=` cache's) source: never to be written to. */
async function fromSource(engine: Engine, m: BindRunMount | CacheRunMount, ctx: RunMountContext, undo: (() => void)[]): Promise<string> {
  if (m.from === undefined) {
    const root = fs.realpathSync(ctx.contextDir);
    const lexical = path.resolve(root, `./${m.source}`);
    const outside = (): never => {
      throw new InvalidArgumentError(`RUN --mount: source ${JSON.stringify(m.source)} is outside of the build context`);
    };
    if (!inside(root, lexical)) outside();
    let real: string;
    try {
      real = fs.realpathSync(lexical);
    } catch {
      throw new InvalidArgumentError(`RUN --mount: source ${JSON.stringify(m.source)} is not in the build context`);
    }
    if (!inside(root, real)) outside();
    return real;
  }
  const { image, stage } = await ctx.resolveFrom(m.from);
  if (m.type === 'cache' && !stage) throw new InvalidArgumentError(`RUN --mount=type=cache: no stage found with name ${m.from}`);
  let root: string;
  if (image?.topLayer) {
    const { mountImage, unmountImage } = await import('../domain/images/image-mount.ts');
    root = mountImage(engine.store, image);
    undo.push(() => void unmountImage(engine.store, image));
  } else {
    fs.mkdirSync(engine.store.paths.staging, { recursive: true, mode: 0o700 });
    root = fs.mkdtempSync(path.join(engine.store.paths.staging, `${process.pid}-run-empty-`));
    undo.push(() => fs.rmSync(root, { recursive: true, force: true }));
  }
  const source = resolveInRoot(root, m.source);
  if (!fs.existsSync(source)) throw new InvalidArgumentError(`RUN --mount: source ${JSON.stringify(m.source)}: no such file or directory in ${m.from}`);
  return source;
}

/**
 * A writable stand-in for `source` whose changes are thrown away: an overlay over the
 * directory (its upper directory in `work`), or a copy of a file.
 */
async function throwawayCopy(source: string, work: string, undo: (() => void)[]): Promise<string> {
  fs.mkdirSync(work, { mode: 0o700 });
  if (!fs.statSync(source).isDirectory()) {
    const copy = path.join(work, 'file');
    fs.cpSync(source, copy, { preserveTimestamps: true });
    const st = fs.statSync(source);
    fs.chownSync(copy, st.uid, st.gid);
    return copy;
  }
  const { mount, MS_BIND, MS_REC } = await import('../infra/sys/mount.ts');
  const { mountOverlay, unmount } = await import('../infra/storage/overlay.ts');
  const lower = path.join(work, 'lower');
  const merged = path.join(work, 'merged');
  for (const d of [lower, 'upper', 'work'].map((x) => path.resolve(work, x))) fs.mkdirSync(d);
  // the source is bind-mounted to a name of ours first: overlay's options cannot hold every path
  mount(source, lower, '', MS_BIND | MS_REC, '');
  undo.push(() => unmount(lower));
  mountOverlay({
    layersDir: work, lowerLinks: [], lowerDirs: ['lower'], upperDir: 'upper', workDir: 'work', target: merged,
    ...(isRootless() ? { options: ['userxattr'] } : {}),
  });
  undo.push(() => unmount(merged));
  return merged;
}
