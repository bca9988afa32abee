/**
 * What a stage starts from: `scratch`, an earlier stage's image, or an image found or
 * pulled under the pull policy, for the platform the build (`--platform`) or the FROM
 * instruction (`FROM --platform=…`) asks for; and the ONBUILD triggers that image carries,
 * which run first, as if written right after FROM (imagebuilder's FromImage).
 *
 * A platform only selects images and names the result's platform: nothing is emulated, so a
 * foreign platform's RUN fails as it would on Podman without qemu-user-static. A local
 * image of another platform is replaced by a pull when the policy allows one, and used with
 * Podman's warning when no pull can be made.
 */
import { InvalidArgumentError } from '../define/errors.ts';
import { parseContainerfile, type Instruction } from '../domain/build/containerfile-parser.ts';
import type { BuildPlatform } from '../domain/build/build-args.ts';
import { parseImageConfig, type ImageConfig } from '../domain/images/image-config.ts';
import { formatPlatform, hostPlatform } from '../infra/image/platform.ts';
import type { RegistryAccessOptions } from '../infra/registry/connect.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
import type { Engine } from './engine.ts';
import type { PullPolicy } from './image-pull.ts';

export interface StageBase {
  image: ImageRecord | undefined;
  config: ImageConfig;
  /** how many history entries the base has (the stage's own come after) */
  baseHistory: number;
  /** the base image's ONBUILD triggers, parsed */
  triggers: Instruction[];
}

export interface StageBaseOptions {
  pull: PullPolicy;
  /** the platform asked for; undefined: the host's, and the base image's config as it is */
  platform?: BuildPlatform | undefined;
  access?: RegistryAccessOptions | undefined;
  file: string;
  warn: (line: string) => void;
}

const scratchEnv = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The config a stage FROM scratch starts with. */
export function scratchConfig(platform: BuildPlatform | undefined): ImageConfig {
  const p = platform ?? hostPlatform();
  const cfg: ImageConfig = { architecture: p.architecture, os: p.os, config: { Env: [scratchEnv] }, rootfs: { type: 'layers', diff_ids: [] }, history: [] };
  if (platform?.variant) cfg.variant = platform.variant;
  return cfg;
}

function variantOf(p: { architecture: string; variant?: string | undefined }): string {
  return p.variant || (p.architecture === 'arm64' ? 'v8' : '');
}

function platformOfImage(image: ImageRecord): BuildPlatform {
  const c = parseImageConfig(image.config);
  return { os: c.os, architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) };
}

function matches(have: BuildPlatform, want: BuildPlatform): boolean {
  return have.os === want.os && have.architecture === want.architecture && (!want.variant || variantOf(have) === variantOf(want));
}

async function baseImage(engine: Engine, name: string, opts: StageBaseOptions): Promise<ImageRecord> {
  const pullOpts = { ...(opts.access ?? {}), ...(opts.platform ? { platform: opts.platform } : {}) };
  const local = opts.platform && engine.images.exists(name) ? engine.images.lookup(name) : undefined;
  if (!local || !opts.platform || matches(platformOfImage(local), opts.platform)) return engine.images.ensureImage(name, opts.pull, pullOpts);
  if (opts.pull !== 'never') {
    try {
      return await engine.images.ensureImage(name, 'always', pullOpts);
    } catch {
      // no image for that platform to be had: the local one it is, as below
    }
  }
  opts.warn(`WARNING: image platform (${formatPlatform(platformOfImage(local))}) does not match the expected platform (${formatPlatform(opts.platform)})`);
  return local;
}

/** ONBUILD, FROM and MAINTAINER cannot be triggers (imagebuilder's rules and messages). */
function parseTriggers(triggers: readonly string[], file: string): Instruction[] {
  const parsed = parseContainerfile(triggers.join('\n'), file).instructions;
  for (const ins of parsed) {
    if (ins.cmd === 'ONBUILD') throw new InvalidArgumentError('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
    if (ins.cmd === 'FROM' || ins.cmd === 'MAINTAINER') throw new InvalidArgumentError(`${ins.cmd} isn't allowed as an ONBUILD trigger`);
  }
  return parsed;
}

/**
 * The stage's base. `earlier` is the image of the earlier stage `base` names (null when it
 * names none); that stage's result is used as is.
 */
export async function resolveStageBase(engine: Engine, base: string, earlier: ImageRecord | undefined | null, opts: StageBaseOptions): Promise<StageBase> {
  const image = base === 'scratch' ? undefined : earlier !== null ? earlier : await baseImage(engine, base, opts);
  if (!image) return { image: undefined, config: scratchConfig(opts.platform), baseHistory: 0, triggers: [] };
  const config = parseImageConfig(image.config);
  const onBuild = config.config?.OnBuild ?? [];
  const triggers = onBuild.length ? parseTriggers(onBuild, opts.file) : [];
  if (onBuild.length) delete config.config!.OnBuild;
  if (opts.platform) {
    config.os = opts.platform.os;
    config.architecture = opts.platform.architecture;
    if (opts.platform.variant) config.variant = opts.platform.variant;
    else delete config.variant;
  }
  return { image, config, baseHistory: config.history?.length ?? 0, triggers };
}
