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
import path from 'node:path';
import type { Writable } from 'node:stream';
import { InvalidArgumentError } from '../define/errors.ts';
import { planStages, parseContainerfile, type StageSpec } from '../domain/build/containerfile-parser.ts';
import { keyValueMap, parsePlatform, platformArgs, timestampIso, type BuildPlatform } from '../domain/build/build-args.ts';
import { mountSources } from '../domain/build/build-mounts.ts';
import type { BuildSecret } from '../domain/build/build-secrets.ts';
import type { BuildSshSource } from '../domain/build/build-ssh.ts';
import { isIgnored, parseIgnoreFile } from '../domain/build/ignore-file.ts';
import { processWord, processWords } from '../domain/build/substitute.ts';
import { normalizeName } from '../domain/images/normalize-name.ts';
import { hostPlatform } from '../infra/image/platform.ts';
import type { RegistryAccessOptions } from '../infra/registry/connect.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
import { pushCachedStep, type RemoteCache } from './build-cache-remote.ts';
import { commitStage, removeIntermediateImages, type SquashMode } from './build-commit.ts';
import { resolveStageBase } from './build-stage-base.ts';
import type { Engine } from './engine.ts';
import type { PullPolicy } from './image-pull.ts';
import { commitMetadata, executeStep, flagValue, type KeptContainer, type StageState, type StepContext } from './build-instructions.ts';

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
  /** `--ssh` agents, by id, for RUN --mount=type=ssh */
  ssh?: ReadonlyMap<string, BuildSshSource>;
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
