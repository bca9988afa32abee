import fs from 'node:fs';
import { InvalidArgumentError } from '../../../define/errors.ts';
import { hostPlatform } from '../../../infra/image/platform.ts';
import { parseNormalizedNamed, referenceName } from '../../../infra/image/reference.ts';
import type { CommandSpec } from '../../command.ts';
import type { ParsedFlags } from '../../flags.ts';
import { credsFlag, platformFrom, registryAccess, tlsFlags } from './registry-flags.ts';

const pullPolicies = ['missing', 'always', 'never', 'newer'] as const;
type Policy = (typeof pullPolicies)[number];

export const command: CommandSpec = {
  use: 'build [options] [CONTEXT]',
  short: 'Build an image using instructions from Containerfiles',
  long: 'Builds an OCI or Docker image using instructions from one or more Containerfiles and a specified build context directory.',
  examples: ['skiff build .', 'skiff build --tag imageName -f Containerfile.simple .', 'skiff build --target builder -t app:dev .'],
  flags: [
    { name: 'annotation', type: 'stringArray', description: 'Set metadata for an image (default [])' },
    { name: 'arch', type: 'string', description: 'set the ARCH of the image to the provided value instead of the architecture of the host' },
    { name: 'build-arg', type: 'stringArray', description: '`argument=value` to supply to the builder' },
    { name: 'build-arg-file', type: 'stringArray', description: '`argfile.conf` containing lines of argument=value to supply to the builder' },
    { name: 'cache-from', type: 'stringArray', description: 'remote repository list to utilise as potential cache source.' },
    { name: 'cache-to', type: 'stringArray', description: 'remote repository list to utilise as potential cache destination.' },
    credsFlag,
    { name: 'file', short: 'f', type: 'string', description: '`pathname or URL` of a Dockerfile' },
    { name: 'force-rm', type: 'bool', default: true, description: 'Always remove intermediate containers after a build, even if the build is unsuccessful.' },
    { name: 'format', type: 'string', default: 'oci', description: '`format` of the built image\'s manifest and metadata' },
    { name: 'iidfile', type: 'string', description: '`file` to write the image ID to' },
    { name: 'isolation', type: 'string', description: '`type` of process isolation to use. Use BUILDAH_ISOLATION environment variable to override.' },
    { name: 'label', type: 'stringArray', description: 'Set metadata for an image (default [])' },
    { name: 'layers', type: 'bool', default: true, description: 'Use intermediate layers during build' },
    { name: 'network', type: 'string', description: 'Connect a container to a network' },
    { name: 'omit-history', type: 'bool', description: 'omit build history information from built image' },
    { name: 'os', type: 'string', description: 'set the OS to the provided value instead of the current operating system of the host' },
    { name: 'platform', type: 'string', description: 'set the OS/ARCH[/VARIANT] of the image to the provided value instead of the current operating system and architecture of the host (for example "linux/arm")' },
    { name: 'no-cache', type: 'bool', description: 'Do not use existing cached images for the container build. Build from the start with a new set of cached layers.' },
    { name: 'pull', type: 'string', default: 'missing', description: 'Pull image policy' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'refrain from announcing build instructions and image read/write progress' },
    { name: 'rm', type: 'bool', default: true, description: 'Remove intermediate containers after a successful build' },
    { name: 'secret', type: 'stringArray', description: 'Secret file to expose to the build (id=ID,src=PATH or env=VAR)' },
    { name: 'squash', type: 'bool', description: 'squash all image layers into a single layer' },
    { name: 'ssh', type: 'stringArray', description: 'SSH agent socket or keys to expose to the build. (format: default|<id>[=<socket>|<key>[,<key>]])' },
    { name: 'squash-all', type: 'bool', description: 'Squash all layers into a single layer' },
    { name: 'tag', short: 't', type: 'stringArray', description: 'tagged `name` to apply to the built image' },
    { name: 'target', type: 'string', description: 'set the target build stage to build' },
    { name: 'timestamp', type: 'int', description: 'set created timestamp to the specified epoch seconds to allow for deterministic builds, defaults to current time' },
    { name: 'variant', type: 'string', description: 'override the `variant` of the specified image' },
    ...tlsFlags,
  ],
  maxArgs: 1,
  async run(ctx, flags, args) {
    const format = flags.string('format')!;
    if (format !== 'oci' && format !== 'docker') throw new InvalidArgumentError(`unrecognized image type "${format}"`);
    const pull = flags.string('pull')!;
    const policy = (pull === 'true' ? 'always' : pull === 'false' ? 'missing' : pull) as Policy;
    if (!pullPolicies.includes(policy)) throw new InvalidArgumentError(`unsupported pull policy "${pull}"`);
    if (flags.changed('squash') && flags.changed('squash-all')) throw new InvalidArgumentError('cannot specify --squash-all with --squash');
    const isolation = flags.string('isolation') ?? process.env.BUILDAH_ISOLATION;
    const { collectBuildArgs, parseIsolation } = await import('../../../domain/build/build-args.ts');
    if (isolation && parseIsolation(isolation) === 'chroot' && flags.changed('network') && flags.string('network') !== 'host') {
      throw new InvalidArgumentError(`cannot set --network other than host with --isolation ${isolation}`);
    }
    const buildArgs = collectBuildArgs(flags.array('build-arg-file'), flags.array('build-arg'), process.env);
    const quiet = flags.bool('quiet');
    const { buildImage } = await import('../../../engine/image-build.ts');
    const engine = await ctx.engine();
    const network = flags.string('network');
    const target = flags.string('target');
    const { parseSecretFlags } = await import('../../../domain/build/build-secrets.ts');
    const secrets = parseSecretFlags(flags.array('secret'), process.cwd(), process.env);
    const { parseSshFlags } = await import('../../../domain/build/build-ssh.ts');
    const ssh = parseSshFlags(flags.array('ssh'), process.cwd(), process.env);
    const timestamp = flags.int('timestamp');
    const platform = buildPlatform(flags);
    const access = await registryAccess(flags);
    const { resolveBuildInput } = await import('../../../engine/build-context.ts');
    const input = await resolveBuildInput({ context: args[0], file: flags.string('file'), stdin: process.stdin, tmpDir: engine.tmpDir });
    const report = await buildImage(engine, {
      containerfile: input.containerfile,
      contextDir: input.contextDir,
      tags: flags.array('tag'),
      buildArgs,
      labels: flags.array('label'),
      ...(target !== undefined ? { target } : {}),
      ...(network !== undefined ? { network } : {}),
      rm: flags.bool('rm'),
      forceRm: flags.bool('force-rm'),
      format,
      pull: policy,
      cache: !flags.bool('no-cache'),
      ...squashOptions(flags),
      ...(timestamp !== undefined ? { timestamp } : {}),
      omitHistory: flags.bool('omit-history'),
      annotations: flags.array('annotation'),
      ...(platform ? { platform } : {}),
      access,
      cacheFrom: cacheRepos(flags, 'cache-from'),
      cacheTo: cacheRepos(flags, 'cache-to'),
      secrets,
      ssh,
    }, {
      log: (line) => {
        if (!quiet) ctx.out(`${line}\n`);
      },
      stdout: process.stdout,
      stderr: process.stderr,
    }).finally(() => input.cleanup());
    const iidfile = flags.string('iidfile');
    if (iidfile !== undefined) fs.writeFileSync(iidfile, `sha256:${report.id}`);
    ctx.out(`${report.id}\n`);
  },
};

/**
 * Podman's translation for Buildah: `--squash` is Buildah's `--layers=false` (the new layers
 * become one); `--squash-all` squashes the base in too and, unless --layers is given, also
 * builds without intermediate images.
 */
function squashOptions(flags: ParsedFlags): { layers: boolean; squashAll: boolean } {
  let layers = flags.bool('layers');
  if (flags.changed('squash') && flags.bool('squash')) layers = false;
  const squashAll = flags.bool('squash-all');
  if (squashAll && !flags.changed('layers')) layers = false;
  return { layers, squashAll };
}

/** --platform or --os/--arch/--variant, the host's values filling what is not given; undefined when none is. */
function buildPlatform(flags: ParsedFlags): { os: string; architecture: string; variant?: string } | undefined {
  const value = flags.string('platform');
  if (value?.includes(',')) throw new InvalidArgumentError(`building for several platforms (${value}) needs --manifest, which skiff does not support`);
  const p = platformFrom(flags);
  if (!p.os && !p.architecture && !p.variant) return undefined;
  const host = hostPlatform();
  return { os: p.os ?? host.os, architecture: p.architecture ?? host.architecture, ...(p.variant ? { variant: p.variant } : {}) };
}

/** --cache-from/--cache-to: repositories, normalised, without tag or digest (Buildah's rule). */
function cacheRepos(flags: ParsedFlags, name: 'cache-from' | 'cache-to'): string[] {
  return flags.array(name).map((value) => {
    let ref;
    try {
      ref = parseNormalizedNamed(value);
    } catch (err) {
      throw new InvalidArgumentError(`unable to parse value provided \`${value}\` to --${name}: invalid repo "${value}": must contain registry and repository: ${(err as Error).message}`);
    }
    if (ref.tag !== undefined || ref.digest !== undefined) {
      throw new InvalidArgumentError(`unable to parse value provided \`${value}\` to --${name}: repository must contain neither a tag nor digest: ${value}`);
    }
    return referenceName(ref);
  });
}
