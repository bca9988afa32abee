/**
 * `build`: a Containerfile's stages executed in order, each step an image of its own as
 * Buildah does with --layers (metadata steps record an empty_layer history entry; RUN,
 * COPY and ADD commit a layer). The target stage's last image gets the tags. A step whose
 * image an earlier build already made is reused (layer-cache.ts) unless the cache is off,
 * and with --cache-from/--cache-to step images also come from and go to a registry.
 * Without --layers (and with --squash) the step images are only a means: the stage's new
 * layers are squashed into one and the step images removed (build-commit.ts).
 *
 * Progress goes to `out.log` as Podman prints it (`STEP 2/5: RUN …`, `--> <id>`, `COMMIT`),
 * RUN output to out.stdout/out.stderr.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { InvalidArgumentError } from '../define/errors.ts';
import { planStages, parseContainerfile, type Instruction, type StageSpec } from '../domain/build/containerfile-parser.ts';
import { applyMetadata, commandArgs, createdBy, metadataInstructions, setEnv } from '../domain/build/metadata-step.ts';
import { findCachedStep, remoteCacheKey } from '../domain/build/layer-cache.ts';
import { keyValueMap, parsePlatform, platformArgs, proxyArgs, timestampIso, type BuildPlatform } from '../domain/build/build-args.ts';
import { stagedContentDigest } from '../domain/build/build-digest.ts';
import { clampTimes } from '../domain/build/build-squash.ts';
import { mountSources } from '../domain/build/build-mounts.ts';
import type { BuildSecret } from '../domain/build/build-secrets.ts';
import { isIgnored, parseIgnoreFile } from '../domain/build/ignore-file.ts';
import { processWord, processWords } from '../domain/build/substitute.ts';
import { writeStepImage } from '../domain/build/write-image.ts';
import type { ImageConfig } from '../domain/images/image-config.ts';
import { normalizeName } from '../domain/images/normalize-name.ts';
import { hostPlatform } from '../infra/image/platform.ts';
import type { RegistryAccessOptions } from '../infra/registry/connect.ts';
import { tarDirectory } from '../infra/storage/layer/tar-dir.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
import { pullCachedStep, pushCachedStep, type RemoteCache } from './build-cache-remote.ts';
import { commitStage, removeIntermediateImages, type SquashMode } from './build-commit.ts';
import { resolveStageBase } from './build-stage-base.ts';
import { filterRunArtifacts, runStep, stageCopyStep } from './build-steps.ts';
import type { Engine } from './engine.ts';
import type { PullPolicy } from './image-pull.ts';

export interface BuildOptions {
  /** the Containerfile's text and the name errors give it */
  containerfile: { text: string; name: string };
  contextDir: string;
  tags?: string[];
  buildArgs?: Record<string, string>;
  /** `--label k=v`, added to the final image */
  labels?: string[];
  target?: string;
  /** RUN's network; `none` unless given */
  network?: string;
  /** remove the containers of the RUN steps that succeeded (default true) */
  rm?: boolean;
  /** remove the container of a RUN step that failed (`--force-rm`, default true) */
  forceRm?: boolean;
  format?: 'oci' | 'docker';
  pull?: PullPolicy;
  /** reuse the images of earlier builds' identical steps (`--layers`, default true, and not `--no-cache`) */
  cache?: boolean;
  /** keep an image per step (`--layers`, default true); false squashes each stage's new layers into one (`--squash`) */
  layers?: boolean;
  /** `--squash-all`: the final image has one layer, its base's content included */
  squashAll?: boolean;
  /** `--timestamp`: seconds since the epoch for every created time and every new file's times */
  timestamp?: number;
  /** `--omit-history`: the final image has no history */
  omitHistory?: boolean;
  /** `--annotation k=v`, in every OCI manifest the build writes */
  annotations?: string[];
  /** `--platform`/`--os`/`--arch`/`--variant`: the base images to choose and the platform the images name */
  platform?: BuildPlatform;
  /** TLS and credentials for pulls and the registry cache */
  access?: RegistryAccessOptions;
  /** `--cache-from`/`--cache-to` repositories (with --layers only) */
  cacheFrom?: string[];
  cacheTo?: string[];
  /** `--secret`s, by id, for RUN --mount=type=secret */
  secrets?: ReadonlyMap<string, BuildSecret>;
}

export interface BuildOutput {
  log: (line: string) => void;
  stdout: Writable;
  stderr: Writable;
}

export interface BuildReport {
  id: string;
  names: string[];
}

interface StageState {
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

function flagValue(ins: Instruction, name: string): string | undefined {
  const f = ins.flags.find((x) => x.startsWith(`--${name}=`));
  return f === undefined ? undefined : f.slice(name.length + 3).replace(/^"(.*)"$/, '$1');
}

export async function buildImage(engine: Engine, opts: BuildOptions, out: BuildOutput): Promise<BuildReport> {
  const file = opts.containerfile.name;
  const parsed = parseContainerfile(opts.containerfile.text, file);
  const plan = planStages(parsed);
  const buildArgs = opts.buildArgs ?? {};
  const host = hostPlatform();
  const globalArgs = platformArgs(opts.platform ?? host, host);
  for (const ins of plan.globalArgs) {
    for (const w of processWords(ins.rest, globalArgs, parsed.escape)) {
      const eq = w.indexOf('=');
      const key = eq < 0 ? w : w.slice(0, eq);
      const value = buildArgs[key] ?? (eq < 0 ? globalArgs.get(key) : w.slice(eq + 1));
      if (value !== undefined) globalArgs.set(key, value);
    }
  }
  let last = plan.stages.length - 1;
  if (opts.target !== undefined) {
    last = plan.stages.findIndex((s) => s.name === opts.target!.toLowerCase());
    if (last < 0) throw new InvalidArgumentError(`target stage "${opts.target}" not found`);
  }
  const stages = plan.stages.slice(0, last + 1);
  const ignored = loadIgnoreRules(opts.contextDir);
  const results = new Map<number, ImageRecord | undefined>();
  const prefix = (s: StageSpec): string => (stages.length > 1 ? `[${s.index + 1}/${stages.length}] ` : '');
  const tags = (opts.tags ?? []).map((t) => {
    const n = normalizeName(t);
    if (n.digested) throw new InvalidArgumentError(`${t}: tag by digest not supported`);
    return n.name;
  });
  const needed = neededStages(stages, last, globalArgs);
  const format = opts.format ?? 'oci';
  const layered = opts.layers !== false;
  const annotations = opts.annotations?.length ? keyValueMap(opts.annotations) : undefined;
  const remote: RemoteCache | undefined = layered && (opts.cacheFrom?.length || opts.cacheTo?.length)
    ? { from: opts.cacheFrom ?? [], to: opts.cacheTo ?? [], access: opts.access ?? {}, format }
    : undefined;
  const created = (): string => (opts.timestamp !== undefined ? timestampIso(opts.timestamp) : new Date().toISOString());
  const containers: KeptContainer[] = [];
  const intermediates: string[] = [];
  let final: ImageRecord | undefined;
  try {
    for (const stage of stages) {
      if (!needed.has(stage.index)) continue;
      const isFinal = stage.index === last;
      const base = processWord(stage.base, globalArgs);
      if (base === '') throw new InvalidArgumentError(`${file}:${stage.from.line}: FROM: base name (${stage.base}) should not be blank`);
      const earlier = stages.find((s) => s.index < stage.index && s.name === base.toLowerCase());
      const fromPlatform = stage.platform !== undefined ? parsePlatform(processWord(stage.platform, globalArgs)) : undefined;
      // Buildah announces FROM before it knows the base image's ONBUILD triggers, which the later steps count
      out.log(`${prefix(stage)}STEP 1/${stage.instructions.length + 1}: ${stage.from.original}`);
      const stageBase = await resolveStageBase(engine, base, earlier ? results.get(earlier.index) : null, {
        pull: opts.pull ?? 'missing', platform: fromPlatform ?? opts.platform, access: opts.access, file,
        warn: (line) => void out.stderr.write(`${line}\n`),
      });
      const instructions = [...stageBase.triggers, ...stage.instructions];
      const total = instructions.length + 1;
      const state: StageState = { image: stageBase.image, config: stageBase.config, args: new Map() };
      const ctx: StepContext = {
        stage, stages, results, buildArgs, opts, out, file, escape: parsed.escape, globalArgs, ...(ignored ? { ignored } : {}),
        cache: layered && opts.cache !== false, created, annotations, remote, containers,
      };
      for (const [n, ins] of instructions.entries()) {
        out.log(`${prefix(stage)}STEP ${n + 2}/${total}: ${ins.original}`);
        await executeStep(engine, ins, state, ctx);
        if (!layered && state.image) intermediates.push(state.image.id);
        if (remote?.to.length && ctx.pending && !ctx.pending.pulled && state.image) await pushCachedStep(engine, remote, state.image.id, ctx.pending.key, out.log);
        ctx.pending = undefined;
        if (layered && !(isFinal && n === instructions.length - 1)) out.log(`--> ${state.image!.id.slice(0, 11)}`);
      }
      const squash: SquashMode = isFinal && opts.squashAll ? 'all' : layered ? 'none' : 'new';
      const labels = isFinal ? keyValueMap(opts.labels ?? []) : {};
      const omitHistory = isFinal && opts.omitHistory === true;
      const needsCommit = squash !== 'none' || Object.keys(labels).length > 0 || omitHistory;
      if (instructions.length === 0 && (needsCommit || annotations || !state.image)) {
        await commitMetadata(engine, state, `/bin/sh -c #(nop) ${stage.from.original}`, ctx);
        if (!layered) intermediates.push(state.image!.id);
      }
      if (needsCommit) {
        const written = await commitStage(engine.store, {
          base: stageBase.image, baseHistory: stageBase.baseHistory, image: state.image, config: state.config,
          squash, labels, annotations, omitHistory, timestamp: opts.timestamp, format,
        });
        state.image = written.image;
        state.config = written.config;
      }
      if (isFinal) {
        out.log(`${prefix(stage)}COMMIT${tags[0] ? ` ${opts.tags![0]}` : ''}`);
        final = state.image;
      } else if (!layered && state.image) intermediates.push(state.image.id);
      if (isFinal || !layered) out.log(`--> ${state.image!.id.slice(0, 11)}`);
      results.set(stage.index, state.image);
    }
  } finally {
    // as Buildah: a failed step's container goes with --force-rm, the others with --rm
    const doomed = containers.filter((c) => (c.failed ? opts.forceRm !== false : opts.rm !== false)).map((c) => c.id);
    if (doomed.length) await engine.containers.remove(doomed, { force: true, ignore: true, timeout: 0 });
    if (!layered) removeIntermediateImages(engine.store, intermediates, final?.id);
  }
  if (!final) throw new InvalidArgumentError('build produced no image');
  for (const t of tags) {
    engine.store.images.addName(final.id, t);
    out.log(`Successfully tagged ${t}`);
  }
  return { id: final.id, names: tags };
}

/** The target stage and the stages it uses through FROM or COPY --from, as Buildah skips the others. */
function neededStages(stages: StageSpec[], target: number, globalArgs: Map<string, string>): Set<number> {
  const byRef = (ref: string, before: number): StageSpec | undefined =>
    stages.find((s) => s.index < before && (s.name === ref.toLowerCase() || String(s.index) === ref));
  const needed = new Set<number>();
  const visit = (i: number): void => {
    if (needed.has(i)) return;
    needed.add(i);
    const stage = stages[i]!;
    const refs = [processWord(stage.base, globalArgs), ...stage.instructions.map((ins) => flagValue(ins, 'from')).filter((f): f is string => f !== undefined)];
    refs.push(...stage.instructions.filter((ins) => ins.cmd === 'RUN').flatMap((ins) => mountSources(ins.flags)));
    for (const ref of refs) {
      const s = byRef(ref, i);
      if (s) visit(s.index);
    }
  };
  visit(target);
  return needed;
}

/** `.containerignore`, else `.dockerignore`, in the context; none ignores nothing. */
function loadIgnoreRules(contextDir: string): ((rel: string) => boolean) | undefined {
  for (const name of ['.containerignore', '.dockerignore']) {
    const p = path.join(contextDir, name);
    if (!fs.existsSync(p)) continue;
    const rules = parseIgnoreFile(fs.readFileSync(p, 'utf8'));
    return (rel) => isIgnored(rules, rel);
  }
  return undefined;
}

/** The one image a stage without steps gets when it needs one of its own (labels, squash, scratch). */
async function commitMetadata(engine: Engine, state: StageState, historyText: string, ctx: StepContext): Promise<void> {
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

interface KeptContainer {
  id: string;
  /** its command failed */
  failed: boolean;
}

interface StepContext {
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

async function executeStep(engine: Engine, ins: Instruction, state: StageState, ctx: StepContext): Promise<void> {
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
