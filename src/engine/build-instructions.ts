/**
 * The steps of a `build` stage: each instruction executed against the stage's state, a RUN
 * or COPY/ADD committing a layer, metadata instructions an empty_layer entry, every step
 * taken from the layer cache (or a --cache-from repository) when it can be.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '../define/errors.ts';
import type { Instruction, StageSpec } from '../domain/build/containerfile-parser.ts';
import { applyMetadata, commandArgs, createdBy, metadataInstructions, setEnv } from '../domain/build/metadata-step.ts';
import { findCachedStep, remoteCacheKey } from '../domain/build/layer-cache.ts';
import { proxyArgs } from '../domain/build/build-args.ts';
import { stagedContentDigest } from '../domain/build/build-digest.ts';
import { clampTimes } from '../domain/build/build-squash.ts';
import { processWords } from '../domain/build/substitute.ts';
import { writeStepImage } from '../domain/build/write-image.ts';
import type { ImageConfig } from '../domain/images/image-config.ts';
import { tarDirectory } from '../infra/storage/layer/tar-dir.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
import { pullCachedStep, type RemoteCache } from './build-cache-remote.ts';
import { filterRunArtifacts, runStep, stageCopyStep } from './build-steps.ts';
import type { Engine } from './engine.ts';
import type { BuildOptions, BuildOutput } from './image-build.ts';

export interface StageState {
  image: ImageRecord | undefined;
  config: ImageConfig;
  /** ARG values declared in this stage */
  args: Map<string, string>;
}

/** ENV wins over ARG, as in Docker. */
function stageVars(state: StageState): Map<string, string> {
  const vars = new Map(state.args);
  for (const e of state.config.config?.Env ?? []) {
    const eq = e.indexOf('=');
    if (eq > 0) vars.set(e.slice(0, eq), e.slice(eq + 1));
  }
  return vars;
}

export function flagValue(ins: Instruction, name: string): string | undefined {
  const f = ins.flags.find((x) => x.startsWith(`--${name}=`));
  return f === undefined ? undefined : f.slice(name.length + 3).replace(/^"(.*)"$/, '$1');
}

/** The one image a stage without steps gets when it needs one of its own (labels, squash, scratch). */
export async function commitMetadata(engine: Engine, state: StageState, historyText: string, ctx: StepContext): Promise<void> {
  const { image, config } = await writeStepImage(engine.store, {
    parent: state.image, config: state.config, history: { created: ctx.created(), created_by: historyText }, format: ctx.opts.format ?? 'oci', annotations: ctx.annotations,
  });
  state.image = image;
  state.config = config;
}

/**
 * Takes a cached image for the step when there is one, from the store or else from a
 * --cache-from repository; returns whether it did. Notes the step's cache key for --cache-to.
 */
async function tryCache(engine: Engine, state: StageState, ctx: StepContext, createdByText: string, emptyLayer: boolean, result: ImageConfig): Promise<boolean> {
  const query = {
    parent: state.config, createdBy: createdByText, emptyLayer, result, format: ctx.opts.format ?? 'oci',
    // a reproducible build must not pick up a step image of another time
    created: ctx.opts.timestamp !== undefined ? ctx.created() : undefined,
  };
  ctx.pending = ctx.remote ? { key: remoteCacheKey(query), pulled: false } : undefined;
  if (!ctx.cache) return false;
  let hit = findCachedStep(engine.store, query);
  if (!hit && ctx.remote && ctx.pending && ctx.remote.from.length) {
    const ref = await pullCachedStep(engine, ctx.remote, ctx.pending.key);
    hit = ref === undefined ? undefined : findCachedStep(engine.store, query);
    if (hit) {
      ctx.out.log(`--> Cache pulled from remote ${ref}`);
      ctx.pending.pulled = true;
    }
  }
  if (!hit) return false;
  ctx.out.log(`--> Using cache ${hit.image.id}`);
  state.image = hit.image;
  state.config = hit.config;
  return true;
}

export interface KeptContainer {
  id: string;
  /** its command failed */
  failed: boolean;
}

export interface StepContext {
  stage: StageSpec;
  stages: StageSpec[];
  results: Map<number, ImageRecord | undefined>;
  buildArgs: Record<string, string>;
  globalArgs: Map<string, string>;
  opts: BuildOptions;
  out: BuildOutput;
  file: string;
  escape: string;
  cache: boolean;
  /** the context's .containerignore/.dockerignore rules */
  ignored?: (rel: string) => boolean;
  /** a new entry's created time: --timestamp's, else now */
  created: () => string;
  annotations: Record<string, string> | undefined;
  remote: RemoteCache | undefined;
  /** the cache key of the step being run, and whether its image came from --cache-from */
  pending?: { key: string; pulled: boolean } | undefined;
  /** the RUN containers kept for the end of the build (--rm=false or --force-rm=false) */
  containers: KeptContainer[];
}

/** The options each instruction takes here; any other is refused rather than ignored. */
const knownFlags: Record<string, readonly string[]> = {
  COPY: ['from', 'chown', 'chmod', 'link'],
  ADD: ['chown', 'chmod', 'link'],
  RUN: ['mount', 'network'],
  HEALTHCHECK: ['interval', 'timeout', 'start-period', 'retries'],
};

function checkFlags(ins: Instruction, file: string): void {
  for (const f of ins.flags) {
    const name = /^--([^=]+)/.exec(f)![1]!;
    if (!(knownFlags[ins.cmd] ?? []).includes(name)) throw new InvalidArgumentError(`${file}:${ins.line}: ${ins.cmd} ${f}: option not supported`);
  }
}

export async function executeStep(engine: Engine, ins: Instruction, state: StageState, ctx: StepContext): Promise<void> {
  checkFlags(ins, ctx.file);
  const format = ctx.opts.format ?? 'oci';
  const vars = stageVars(state);
  for (const k of proxyArgs) if (ctx.buildArgs[k] !== undefined && !vars.has(k)) vars.set(k, ctx.buildArgs[k]);
  const history = { created: ctx.created(), created_by: createdBy(ins, state.config.config?.Shell) };
  if (ins.cmd === 'ARG') {
    const keys: string[] = [];
    for (const w of processWords(ins.rest, vars, ctx.escape)) {
      const eq = w.indexOf('=');
      const key = eq < 0 ? w : w.slice(0, eq);
      keys.push(key);
      const value = ctx.buildArgs[key] ?? (eq < 0 ? ctx.globalArgs.get(key) : w.slice(eq + 1));
      if (value !== undefined) state.args.set(key, value);
    }
    history.created_by = `/bin/sh -c #(nop) ARG ${keys.join(' ')}`;
  }
  if (ins.cmd === 'ARG' || metadataInstructions.has(ins.cmd)) {
    const config = structuredClone(state.config);
    if (ins.cmd !== 'ARG') {
      const r = applyMetadata(ins, config.config ?? {}, vars, ctx.escape);
      config.config = r.config;
      if (r.author !== undefined) config.author = r.author;
    }
    if (await tryCache(engine, state, ctx, history.created_by, true, config)) return;
    const { image, config: written } = await writeStepImage(engine.store, { parent: state.image, config, history, format, annotations: ctx.annotations });
    state.image = image;
    state.config = written;
    return;
  }
  if (ins.cmd === 'RUN') return runInstruction(engine, ins, state, ctx, history);
  if (ins.cmd === 'COPY' || ins.cmd === 'ADD') {
    try {
      return await copyInstruction(engine, ins, state, ctx, vars);
    } catch (err) {
      if (err instanceof InvalidArgumentError && !err.message.startsWith('building at STEP')) {
        throw new InvalidArgumentError(`building at STEP "${ins.original}": ${err.message}`, { cause: err });
      }
      throw err;
    }
  }
  throw new InvalidArgumentError(`${ctx.file}:${ins.line}: unsupported instruction: ${ins.cmd}`);
}

async function runInstruction(engine: Engine, ins: Instruction, state: StageState, ctx: StepContext, history: { created: string; created_by: string }): Promise<void> {
  if (!state.image) throw new InvalidArgumentError(`building at STEP "${ins.original}": RUN in a stage FROM scratch has no command to run`);
  const shell = state.config.config?.Shell ?? ['/bin/sh', '-c'];
  const onlyHeredoc = ins.heredocs.length === 1 && /^<<-?(["']?)[A-Za-z_][A-Za-z0-9_]*\1$/.test(ins.rest);
  let argv: string[];
  if (ins.json) argv = ins.json;
  else if (onlyHeredoc) argv = [...shell, ins.heredocs[0]!.content];
  else if (ins.heredocs.length) argv = [...shell, [ins.rest, ...ins.heredocs.map((h) => `${h.content}${h.name}`)].join('\n')];
  else argv = commandArgs(ins, shell);
  // Buildah's created_by keeps RUN's options: a step with other mounts is another cache entry
  if (ins.flags.length) history.created_by = createdBy({ ...ins, rest: `${ins.flags.join(' ')} ${ins.rest}`, ...(ins.json ? { json: [...ins.flags, ...ins.json] } : {}) }, shell);
  let argEnv = [...state.args].map(([k, v]) => `${k}=${v}`);
  for (const e of state.config.config?.Env ?? []) argEnv = setEnv(argEnv, e.split('=')[0]!, e.slice(e.indexOf('=') + 1));
  if (state.args.size) history.created_by = `|${state.args.size} ${[...state.args].map(([k, v]) => `${k}=${v}`).join(' ')} ${history.created_by}`;
  // the proxy variables need no ARG and, undeclared, stay out of the history
  for (const k of proxyArgs) {
    const v = ctx.buildArgs[k];
    if (v !== undefined && !state.args.has(k) && !argEnv.some((e) => e.startsWith(`${k}=`))) argEnv.push(`${k}=${v}`);
  }
  if (await tryCache(engine, state, ctx, history.created_by, false, state.config)) return;
  const image = state.image;
  const keepAll = ctx.opts.rm === false || ctx.opts.forceRm === false;
  let kept: KeptContainer | undefined;
  await runStep(engine, {
    image, config: state.config.config ?? {}, argv, argEnv, network: ctx.opts.network ?? 'none', keep: keepAll,
    onContainer: (id) => {
      if (!keepAll) return;
      kept = { id, failed: true };
      ctx.containers.push(kept);
    },
    stdout: ctx.out.stdout, stderr: ctx.out.stderr, step: ins.original, flags: ins.flags,
    mountContext: {
      contextDir: ctx.opts.contextDir,
      secrets: ctx.opts.secrets ?? new Map(),
      ssh: ctx.opts.ssh ?? new Map(),
      resolveFrom: async (ref) => {
        const earlier = ctx.stages.find((s) => s.index < ctx.stage.index && (s.name === ref.toLowerCase() || String(s.index) === ref));
        return earlier ? { image: ctx.results.get(earlier.index), stage: true } : { image: await engine.images.ensureImage(ref, ctx.opts.pull ?? 'missing'), stage: false };
      },
    },
  }, async (upper, whiteouts) => {
    if (kept) kept.failed = false;
    filterRunArtifacts(upper, image, engine, whiteouts);
    if (ctx.opts.timestamp !== undefined) clampTimes(upper, ctx.opts.timestamp);
    const { image: img, config } = await writeStepImage(engine.store, {
      parent: image, config: state.config, layer: async () => tarDirectory(upper, { overlayWhiteouts: whiteouts }), history, format: ctx.opts.format ?? 'oci',
      annotations: ctx.annotations,
    });
    state.image = img;
    state.config = config;
  });
}

async function copyInstruction(engine: Engine, ins: Instruction, state: StageState, ctx: StepContext, vars: Map<string, string>): Promise<void> {
  let args = ins.json ?? processWords(ins.rest, vars, ctx.escape);
  const from = flagValue(ins, 'from');
  let root = ctx.opts.contextDir;
  let ignored: ((rel: string) => boolean) | undefined = ctx.ignored;
  let unmount: (() => void) | undefined;
  if (ins.heredocs.length) {
    // `COPY <<EOF /file`: each heredoc is a file of its own, named after its delimiter
    const docs = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-build-heredoc-'));
    for (const h of ins.heredocs) fs.writeFileSync(path.join(docs, h.name), h.content, { mode: 0o644 });
    args = [...args.slice(0, -1).map((a) => a.replace(/^<<-?/, '')), args.at(-1)!];
    root = docs;
    ignored = undefined;
    unmount = () => fs.rmSync(docs, { recursive: true, force: true });
  } else if (from !== undefined) {
    const earlier = ctx.stages.find((s) => s.index < ctx.stage.index && (s.name === from.toLowerCase() || String(s.index) === from));
    const image = earlier ? ctx.results.get(earlier.index) : await engine.images.ensureImage(from, ctx.opts.pull ?? 'missing');
    if (!image) throw new InvalidArgumentError(`${ctx.file}:${ins.line}: COPY --from=${from}: the stage has no files`);
    ignored = undefined;
    if (image.topLayer) {
      const { mountImage, unmountImage } = await import('../domain/images/image-mount.ts');
      root = mountImage(engine.store, image);
      unmount = () => void unmountImage(engine.store, image);
    } else {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-build-empty-'));
      root = empty;
      unmount = () => fs.rmSync(empty, { recursive: true, force: true });
    }
  }
  let staging: string | undefined;
  try {
    staging = await stageCopyStep(engine, {
      ins, args, root, image: state.image, workdir: state.config.config?.WorkingDir ?? '/',
      chown: flagValue(ins, 'chown'), chmod: flagValue(ins, 'chmod'), ...(ignored ? { ignored } : {}),
    });
    const dir = staging;
    const created_by = `/bin/sh -c #(nop) ${ins.cmd} ${stagedContentDigest(dir)} in ${args.at(-1)} `;
    if (await tryCache(engine, state, ctx, created_by, false, state.config)) return;
    if (ctx.opts.timestamp !== undefined) clampTimes(dir, ctx.opts.timestamp);
    const { image, config } = await writeStepImage(engine.store, {
      parent: state.image, config: state.config, layer: async () => tarDirectory(dir),
      history: { created: ctx.created(), created_by },
      format: ctx.opts.format ?? 'oci', annotations: ctx.annotations,
    });
    state.image = image;
    state.config = config;
  } finally {
    unmount?.();
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
  }
}
