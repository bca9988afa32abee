/**
 * `build`: a Containerfile's stages executed in order, each step an image of its own as
 * Buildah does with --layers (metadata steps record an empty_layer history entry; RUN,
 * COPY and ADD commit a layer). The target stage's last image gets the tags. A step whose
 * image an earlier build already made is reused (layer-cache.ts) unless the cache is off.
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
import { findCachedStep } from '../domain/build/layer-cache.ts';
import { isIgnored, parseIgnoreFile } from '../domain/build/ignore-file.ts';
import { processWord, processWords } from '../domain/build/substitute.ts';
import { writeStepImage } from '../domain/build/write-image.ts';
import type { ImageConfig } from '../domain/images/image-config.ts';
import { parseImageConfig } from '../domain/images/image-config.ts';
import { normalizeName } from '../domain/images/normalize-name.ts';
import { tarDirectory } from '../infra/storage/layer/tar-dir.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
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
  /** remove intermediate containers (default true) */
  rm?: boolean;
  format?: 'oci' | 'docker';
  pull?: PullPolicy;
  /** reuse the images of earlier builds' identical steps (`--layers`, default true, and not `--no-cache`) */
  cache?: boolean;
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

const scratchEnv = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function goArch(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  return map[process.arch] ?? process.arch;
}

function scratchConfig(): ImageConfig {
  return { architecture: goArch(), os: 'linux', config: { Env: [scratchEnv] }, rootfs: { type: 'layers', diff_ids: [] }, history: [] };
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
  const globalArgs = new Map<string, string>();
  for (const ins of plan.globalArgs) {
    for (const w of processWords(ins.rest, globalArgs, parsed.escape)) {
      const eq = w.indexOf('=');
      const key = eq < 0 ? w : w.slice(0, eq);
      const value = buildArgs[key] ?? (eq < 0 ? undefined : w.slice(eq + 1));
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
  let final: ImageRecord | undefined;
  const tags = (opts.tags ?? []).map((t) => {
    const n = normalizeName(t);
    if (n.digested) throw new InvalidArgumentError(`${t}: tag by digest not supported`);
    return n.name;
  });
  const needed = neededStages(stages, last, globalArgs);
  for (const stage of stages) {
    if (!needed.has(stage.index)) continue;
    const isFinal = stage.index === last;
    const total = stage.instructions.length + 1;
    out.log(`${prefix(stage)}STEP 1/${total}: ${stage.from.original}`);
    const state = await fromStage(engine, stage, stages, results, globalArgs, opts, file);
    for (const [n, ins] of stage.instructions.entries()) {
      out.log(`${prefix(stage)}STEP ${n + 2}/${total}: ${ins.original}`);
      const lastStep = n === stage.instructions.length - 1;
      await executeStep(engine, ins, state, { stage, stages, results, buildArgs, opts, out, file, escape: parsed.escape, globalArgs, ignored, cache: opts.cache !== false });
      if (isFinal && lastStep) break;
      out.log(`--> ${state.image!.id.slice(0, 11)}`);
    }
    if (isFinal) {
      if (opts.labels?.length || stage.instructions.length === 0) {
        const labels = Object.fromEntries((opts.labels ?? []).map((l) => {
          const eq = l.indexOf('=');
          return eq < 0 ? [l, ''] : [l.slice(0, eq), l.slice(eq + 1)];
        }));
        const config = structuredClone(state.config);
        config.config = { ...(config.config ?? {}) };
        if (Object.keys(labels).length) config.config.Labels = { ...(config.config.Labels ?? {}), ...labels };
        // the image gets one history entry for the commit only when the stage had no step of its own
        const written = await commitMetadata(engine, state, config, stage.instructions.length === 0 ? `/bin/sh -c #(nop) ${stage.from.original}` : undefined, opts);
        state.image = written;
      }
      out.log(`${prefix(stage)}COMMIT${tags[0] ? ` ${opts.tags![0]}` : ''}`);
      final = state.image;
      out.log(`--> ${final!.id.slice(0, 11)}`);
    }
    results.set(stage.index, state.image);
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

async function commitMetadata(engine: Engine, state: StageState, config: ImageConfig, historyText: string | undefined, opts: BuildOptions): Promise<ImageRecord> {
  if (historyText === undefined) {
    // amend the last step's image: same history, new config
    const cfg = structuredClone(config);
    const history = cfg.history ?? [];
    const lastEntry = history.pop() ?? { created_by: '' };
    cfg.history = history;
    const { image, config: written } = await writeStepImage(engine.store, { parent: state.image, config: cfg, history: lastEntry, format: opts.format ?? 'oci' });
    state.config = written;
    return image;
  }
  const { image, config: written } = await writeStepImage(engine.store, {
    parent: state.image, config, history: { created: new Date().toISOString(), created_by: historyText }, format: opts.format ?? 'oci',
  });
  state.config = written;
  return image;
}

async function fromStage(
  engine: Engine, stage: StageSpec, stages: StageSpec[], results: Map<number, ImageRecord | undefined>, globalArgs: Map<string, string>,
  opts: BuildOptions, file: string,
): Promise<StageState> {
  const base = processWord(stage.base, globalArgs);
  if (base === '') throw new InvalidArgumentError(`${file}:${stage.from.line}: FROM: base name (${stage.base}) should not be blank`);
  const state: StageState = { image: undefined, config: scratchConfig(), args: new Map() };
  if (base === 'scratch') return state;
  const earlier = stages.find((s) => s.index < stage.index && s.name === base.toLowerCase());
  const image = earlier ? results.get(earlier.index) : await engine.images.ensureImage(base, opts.pull ?? 'missing');
  if (!image) return state;
  state.image = image;
  state.config = parseImageConfig(image.config);
  return state;
}

/** Takes a cached image for the step when there is one; returns whether it did. */
function tryCache(engine: Engine, state: StageState, ctx: StepContext, createdByText: string, emptyLayer: boolean, result: ImageConfig): boolean {
  if (!ctx.cache) return false;
  const hit = findCachedStep(engine.store, { parent: state.config, createdBy: createdByText, emptyLayer, result, format: ctx.opts.format ?? 'oci' });
  if (!hit) return false;
  ctx.out.log(`--> Using cache ${hit.image.id}`);
  state.image = hit.image;
  state.config = hit.config;
  return true;
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
}

/** The options each instruction takes here; any other is refused rather than ignored. */
const knownFlags: Record<string, readonly string[]> = {
  COPY: ['from', 'chown', 'chmod'],
  ADD: ['chown', 'chmod'],
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
  const history = { created: new Date().toISOString(), created_by: createdBy(ins, state.config.config?.Shell) };
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
    if (tryCache(engine, state, ctx, history.created_by, true, config)) return;
    const { image, config: written } = await writeStepImage(engine.store, { parent: state.image, config, history, format });
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
  let argEnv = [...state.args].map(([k, v]) => `${k}=${v}`);
  for (const e of state.config.config?.Env ?? []) argEnv = setEnv(argEnv, e.split('=')[0]!, e.slice(e.indexOf('=') + 1));
  if (state.args.size) history.created_by = `|${state.args.size} ${[...state.args].map(([k, v]) => `${k}=${v}`).join(' ')} ${history.created_by}`;
  if (tryCache(engine, state, ctx, history.created_by, false, state.config)) return;
  const image = state.image;
  await runStep(engine, {
    image, config: state.config.config ?? {}, argv, argEnv, network: ctx.opts.network ?? 'none', keep: ctx.opts.rm === false,
    stdout: ctx.out.stdout, stderr: ctx.out.stderr, step: ins.original,
  }, async (upper, whiteouts) => {
    filterRunArtifacts(upper, image, engine, whiteouts);
    const { image: img, config } = await writeStepImage(engine.store, {
      parent: image, config: state.config, layer: async () => tarDirectory(upper, { overlayWhiteouts: whiteouts }), history, format: ctx.opts.format ?? 'oci',
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
    const created_by = `/bin/sh -c #(nop) ${ins.cmd} ${await contentDigest(dir)} in ${args.at(-1)} `;
    if (tryCache(engine, state, ctx, created_by, false, state.config)) return;
    const { image, config } = await writeStepImage(engine.store, {
      parent: state.image, config: state.config, layer: async () => tarDirectory(dir),
      history: { created: new Date().toISOString(), created_by },
      format: ctx.opts.format ?? 'oci',
    });
    state.image = image;
    state.config = config;
  } finally {
    unmount?.();
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** `file:<sha256>` or `dir:<sha256>` of what was copied, as Buildah names COPY sources in history. */
async function contentDigest(dir: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256');
  for await (const chunk of tarDirectory(dir)) h.update(chunk as Buffer);
  return `dir:${h.digest('hex')}`;
}
