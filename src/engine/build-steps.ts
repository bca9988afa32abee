/**
 * The file-system steps of a build: RUN in a container from the step's image (its upper
 * directory becomes the layer), COPY/ADD staged in a directory that becomes the layer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { InvalidArgumentError, SkiffError } from '../define/errors.ts';
import { mountFlags, parseRunMount, runNetwork } from '../domain/build/build-mounts.ts';
import { chownNeedsLookup, resolveChown, resolveSources, stageCopy, type CopySource } from '../domain/build/copy-sources.ts';
import type { Instruction } from '../domain/build/containerfile-parser.ts';
import { readRootFile } from '../domain/containers/spec/resolve-user.ts';
import { parseGroup, parsePasswd } from '../domain/containers/spec/user.ts';
import type { ContainerConfig } from '../domain/images/image-config.ts';
import { isRootless } from '../infra/config/paths.ts';
import { lgetxattr } from '../infra/sys/fs-syscalls.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
import { downloadUrl, isUrlSource } from './build-add-url.ts';
import { prepareRunMounts, type PreparedRunMounts, type RunMountContext } from './build-mounts-setup.ts';
import type { Engine } from './engine.ts';

/** A failed RUN: Buildah's message, the command's exit code kept for the CLI. */
export class BuildRunError extends SkiffError {
  override readonly exitCode: number;
  constructor(step: string, code: number) {
    super(`building at STEP "${step}": while running runtime: exit status ${code}`);
    this.exitCode = code;
  }
}

export interface RunStepInput {
  image: ImageRecord;
  config: ContainerConfig;
  /** the process's argv */
  argv: string[];
  /** ARG values, visible to RUN but not kept in the image */
  argEnv: string[];
  /** the build's network, for RUN without --network (or with --network=default) */
  network: string;
  /** the instruction's options: --mount and --network */
  flags?: readonly string[];
  /** what --mount's sources are looked up in; needed when there is a --mount */
  mountContext?: RunMountContext;
  /** keep the container (`--rm=false`, `--force-rm=false`) */
  keep: boolean;
  /** told the container's ID once it exists (the build removes kept ones at its end) */
  onContainer?: (id: string) => void;
  stdout: Writable;
  stderr: Writable;
  step: string;
}

/** Runs the step's command and tars what it changed; the caller stores it as a layer. */
export async function runStep(engine: Engine, input: RunStepInput, useLayer: (dir: string, whiteouts: 'overlay-root' | 'overlay-user') => Promise<void>): Promise<void> {
  const ce = engine.containers;
  let prepared: PreparedRunMounts | undefined;
  let network = input.network;
  try {
    const flags = input.flags ?? [];
    const wanted = runNetwork(flags);
    if (wanted !== 'default') network = wanted;
    let sshCount = 0;
    const mounts = mountFlags(flags).map((m) => {
      const mount = parseRunMount(m, input.config.WorkingDir ?? '/', sshCount);
      if (mount.type === 'ssh') sshCount++;
      return mount;
    });
    if (mounts.length) {
      if (!input.mountContext) throw new InvalidArgumentError('RUN --mount is not available here');
      prepared = await prepareRunMounts(engine, mounts, input.mountContext);
    }
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw new InvalidArgumentError(`building at STEP "${input.step}": ${err.message}`, { cause: err });
    throw err;
  }
  try {
    const id = await ce.create({
      image: input.image.id,
      entrypoint: '',
      command: input.argv,
      env: [...input.argEnv, ...(prepared?.env ?? [])],
      network: [network],
      ...(input.config.WorkingDir ? { workdir: input.config.WorkingDir } : {}),
      ...(input.config.User ? { user: input.config.User } : {}),
      ...(prepared?.mounts.length ? { mounts: prepared.mounts } : {}),
      attach: ['stdout', 'stderr'],
      noHosts: false,
    });
    input.onContainer?.(id);
    try {
      const report = await ce.startAttached(id, { streams: { stdout: input.stdout, stderr: input.stderr } });
      const code = report.ExitCode ?? 0;
      if (code !== 0) throw new BuildRunError(input.step, code);
      const upper = path.join(ce.containerDir(id), 'diff');
      const whiteouts = isRootless() ? 'overlay-user' : 'overlay-root';
      if (prepared) removeMountPoints(upper, prepared.targets, input.image, engine, whiteouts);
      await useLayer(upper, whiteouts);
    } finally {
      if (!input.keep) await ce.remove([id], { force: true, ignore: true, timeout: 0 });
    }
  } finally {
    prepared?.release();
  }
}

/** Whether `rel` (relative to the root) exists in one of the image's layers. */
function inImageLayers(image: ImageRecord, engine: Engine): (rel: string) => boolean {
  const layers = image.topLayer ? engine.store.layers.chain(image.topLayer) : [];
  return (rel) => layers.some((l) => fs.existsSync(path.join(engine.store.paths.layerDiff(l.id), rel)));
}

function opaqueXattr(whiteouts: 'overlay-root' | 'overlay-user'): string {
  return whiteouts === 'overlay-root' ? 'trusted.overlay.opaque' : 'user.overlay.opaque';
}

/**
 * Removes from the upper directory the mount points the runtime created for RUN's mounts
 * (an empty file or directory, and empty parents the image lacks), so that a mount leaves
 * nothing behind in the layer. What the image already had stays.
 */
export function removeMountPoints(upper: string, targets: readonly string[], image: ImageRecord, engine: Engine, whiteouts: 'overlay-root' | 'overlay-user'): void {
  const inImage = inImageLayers(image, engine);
  const deepestFirst = [...targets].sort((a, b) => b.split('/').length - a.split('/').length);
  for (const target of deepestFirst) {
    for (let rel = target.replace(/^\/+/, ''); rel !== '' && rel !== '.'; rel = path.posix.dirname(rel)) {
      if (inImage(rel)) break;
      const p = path.join(upper, rel);
      const st = fs.lstatSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isFile() && st.size === 0) fs.rmSync(p);
      else if (st.isDirectory() && fs.readdirSync(p).length === 0 && lgetxattr(p, opaqueXattr(whiteouts)) === undefined) fs.rmdirSync(p);
      else break;
    }
  }
}

/** What the engine itself puts into a container for a run (mount points, /etc/hosts & co.), deepest first. */
const runArtifacts = ['run/.containerenv', 'etc/hosts', 'etc/resolv.conf', 'etc/hostname', 'dev/shm', 'dev/pts', 'dev/mqueue', 'dev', 'proc', 'sys', 'run', 'etc'];

/**
 * Removes from the container's upper directory what the engine created rather than the
 * command: empty files the image lacks and empty, non-opaque directories at the paths
 * above. What the command changed there stays.
 */
export function filterRunArtifacts(upper: string, image: ImageRecord, engine: Engine, whiteouts: 'overlay-root' | 'overlay-user'): void {
  const inImage = inImageLayers(image, engine);
  const opaque = opaqueXattr(whiteouts);
  for (const rel of runArtifacts) {
    const p = path.join(upper, rel);
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isFile() && st.size === 0 && !inImage(rel)) fs.rmSync(p);
    else if (st.isDirectory() && fs.readdirSync(p).length === 0 && lgetxattr(p, opaque) === undefined) fs.rmdirSync(p);
  }
}

export interface CopyStepInput {
  ins: Instruction;
  /** the sources and destination, variables expanded */
  args: string[];
  /** where the sources are: the context, or a stage's or image's root */
  root: string;
  /** the image the layer goes on, for directories that already exist */
  image: ImageRecord | undefined;
  workdir: string;
  chown?: string | undefined;
  chmod?: string | undefined;
  ignored?: (rel: string) => boolean;
}

/** `--chown`'s owner; names are looked up in the image's /etc/passwd and /etc/group. */
async function copyOwner(engine: Engine, spec: string | undefined, image: ImageRecord | undefined): Promise<{ uid: number; gid: number } | undefined> {
  if (spec === undefined) return undefined;
  if (!chownNeedsLookup(spec) || !image?.topLayer) return resolveChown(spec, undefined, undefined);
  const { mountImage, unmountImage } = await import('../domain/images/image-mount.ts');
  const root = mountImage(engine.store, image);
  try {
    const passwd = readRootFile(root, '/etc/passwd');
    const group = readRootFile(root, '/etc/group');
    return resolveChown(spec, passwd === undefined ? undefined : parsePasswd(passwd), group === undefined ? undefined : parseGroup(group));
  } finally {
    unmountImage(engine.store, image);
  }
}

/** The sources in the order given: ADD's URLs downloaded into `downloads`, the rest resolved in the root. */
async function collectSources(input: CopyStepInput, downloads: string): Promise<CopySource[]> {
  const out: CopySource[] = [];
  for (const [n, name] of input.args.slice(0, -1).entries()) {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(name)) {
      out.push(...resolveSources(input.root, [name], input.ignored));
      continue;
    }
    if (input.ins.cmd !== 'ADD') throw new InvalidArgumentError(`${input.ins.cmd} ${name}: source can't be a URL for ${input.ins.cmd}`);
    if (!isUrlSource(name)) throw new InvalidArgumentError(`ADD ${name}: only http and https URLs are supported`);
    const dir = path.join(downloads, String(n));
    fs.mkdirSync(dir);
    out.push({ abs: await downloadUrl(name, dir), name, rel: '', remote: true });
  }
  return out;
}

/** Stages the COPY/ADD into a new temp directory and returns it (the caller removes it). */
export async function stageCopyStep(engine: Engine, input: CopyStepInput): Promise<string> {
  if (input.args.length < 2) throw new InvalidArgumentError(`${input.ins.cmd} requires at least two arguments`);
  const dest = input.args.at(-1)!;
  const layers = input.image?.topLayer ? engine.store.layers.chain(input.image.topLayer).reverse() : [];
  const statInImage = (p: string): fs.Stats | undefined => {
    for (const l of layers) {
      try {
        return fs.lstatSync(path.join(engine.store.paths.layerDiff(l.id), p));
      } catch {
        continue;
      }
    }
    return undefined;
  };
  if (input.chmod !== undefined && !/^[0-7]{1,4}$/.test(input.chmod)) throw new InvalidArgumentError(`parsing chmod ${JSON.stringify(input.chmod)}: not an octal mode`);
  const chmod = input.chmod === undefined ? undefined : parseInt(input.chmod, 8);
  const chown = await copyOwner(engine, input.chown, input.image);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-build-copy-'));
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-build-add-'));
  try {
    const sources = await collectSources(input, downloads);
    await stageCopy(staging, sources, {
      dest,
      workdir: input.workdir,
      chown,
      chmod,
      extract: input.ins.cmd === 'ADD',
      isDirInImage: (p) => statInImage(p)?.isDirectory() ?? false,
      statInImage,
      ...(input.ignored ? { ignored: input.ignored } : {}),
    });
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  } finally {
    fs.rmSync(downloads, { recursive: true, force: true });
  }
  return staging;
}
