/**
 * The file-system steps of a build: RUN in a container from the step's image (its upper
 * directory becomes the layer), COPY/ADD staged in a directory that becomes the layer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { InvalidArgumentError, SkiffError } from '../define/errors.ts';
import { resolveSources, stageCopy } from '../domain/build/copy-sources.ts';
import type { Instruction } from '../domain/build/containerfile-parser.ts';
import type { ContainerConfig } from '../domain/images/image-config.ts';
import { isRootless } from '../infra/config/paths.ts';
import { lgetxattr } from '../infra/sys/fs-syscalls.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
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
  network: string;
  /** keep the container (`--rm=false`) */
  keep: boolean;
  stdout: Writable;
  stderr: Writable;
  step: string;
}

/** Runs the step's command and tars what it changed; the caller stores it as a layer. */
export async function runStep(engine: Engine, input: RunStepInput, useLayer: (dir: string, whiteouts: 'overlay-root' | 'overlay-user') => Promise<void>): Promise<void> {
  const ce = engine.containers;
  const id = await ce.create({
    image: input.image.id,
    entrypoint: '',
    command: input.argv,
    env: input.argEnv,
    network: [input.network],
    ...(input.config.WorkingDir ? { workdir: input.config.WorkingDir } : {}),
    ...(input.config.User ? { user: input.config.User } : {}),
    attach: ['stdout', 'stderr'],
    noHosts: false,
  });
  try {
    const report = await ce.startAttached(id, { streams: { stdout: input.stdout, stderr: input.stderr } });
    const code = report.ExitCode ?? 0;
    if (code !== 0) throw new BuildRunError(input.step, code);
    await useLayer(path.join(ce.containerDir(id), 'diff'), isRootless() ? 'overlay-user' : 'overlay-root');
  } finally {
    if (!input.keep) await ce.remove([id], { force: true, ignore: true, timeout: 0 });
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
  const layers = image.topLayer ? engine.store.layers.chain(image.topLayer) : [];
  const inImage = (rel: string): boolean => layers.some((l) => fs.existsSync(path.join(engine.store.paths.layerDiff(l.id), rel)));
  const opaque = whiteouts === 'overlay-root' ? 'trusted.overlay.opaque' : 'user.overlay.opaque';
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

function parseChown(spec: string | undefined): { uid: number; gid: number } | undefined {
  if (spec === undefined) return undefined;
  const [u, g] = spec.split(':');
  const uid = Number(u);
  const gid = g === undefined ? uid : Number(g);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new InvalidArgumentError(`--chown=${spec}: only numeric user and group IDs are supported`);
  return { uid, gid };
}

/** Stages the COPY/ADD into a new temp directory and returns it (the caller removes it). */
export async function stageCopyStep(engine: Engine, input: CopyStepInput): Promise<string> {
  if (input.args.length < 2) throw new InvalidArgumentError(`${input.ins.cmd} requires at least two arguments`);
  const dest = input.args.at(-1)!;
  const url = input.args.slice(0, -1).find((a) => /^[a-z]+:\/\//i.test(a));
  if (url !== undefined) throw new InvalidArgumentError(`${input.ins.cmd} ${url}: sources from URLs are not supported`);
  const sources = resolveSources(input.root, input.args.slice(0, -1), input.ignored);
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
  const chmod = input.chmod === undefined ? undefined : parseInt(input.chmod, 8);
  if (chmod !== undefined && Number.isNaN(chmod)) throw new InvalidArgumentError(`--chmod=${input.chmod}: not an octal mode`);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-build-copy-'));
  try {
    await stageCopy(staging, sources, {
      dest,
      workdir: input.workdir,
      chown: parseChown(input.chown),
      chmod,
      extract: input.ins.cmd === 'ADD',
      isDirInImage: (p) => statInImage(p)?.isDirectory() ?? false,
      statInImage,
      ...(input.ignored ? { ignored: input.ignored } : {}),
    });
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return staging;
}
