import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';

const pullPolicies = ['missing', 'always', 'never', 'newer'] as const;
type Policy = (typeof pullPolicies)[number];

function readContainerfile(file: string | undefined, context: string): { text: string; name: string } {
  if (file === '-') return { text: fs.readFileSync(0, 'utf8'), name: '-' };
  const candidates = file !== undefined ? [file] : ['Containerfile', 'Dockerfile'].map((n) => path.join(context, n));
  for (const c of candidates) {
    if (fs.existsSync(c)) return { text: fs.readFileSync(c, 'utf8'), name: path.basename(c) };
  }
  if (file !== undefined) throw new InvalidArgumentError(`the specified Containerfile or Dockerfile does not exist, ${file}: no such file or directory`);
  throw new InvalidArgumentError(`no Containerfile or Dockerfile specified or found in context directory, ${path.resolve(context)}: no such file or directory`);
}

export const command: CommandSpec = {
  use: 'build [options] [CONTEXT]',
  short: 'Build an image using instructions from Containerfiles',
  long: 'Builds an OCI or Docker image using instructions from one or more Containerfiles and a specified build context directory.',
  examples: ['skiff build .', 'skiff build --tag imageName -f Containerfile.simple .', 'skiff build --target builder -t app:dev .'],
  flags: [
    { name: 'build-arg', type: 'stringArray', description: '`argument=value` to supply to the builder' },
    { name: 'file', short: 'f', type: 'string', description: '`pathname or URL` of a Dockerfile' },
    { name: 'format', type: 'string', default: 'oci', description: '`format` of the built image\'s manifest and metadata' },
    { name: 'iidfile', type: 'string', description: '`file` to write the image ID to' },
    { name: 'label', type: 'stringArray', description: 'Set metadata for an image (default [])' },
    { name: 'layers', type: 'bool', default: true, description: 'Use intermediate layers during build' },
    { name: 'network', type: 'string', description: 'Connect a container to a network' },
    { name: 'no-cache', type: 'bool', description: 'Do not use existing cached images for the container build. Build from the start with a new set of cached layers.' },
    { name: 'pull', type: 'string', default: 'missing', description: 'Pull image policy' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'refrain from announcing build instructions and image read/write progress' },
    { name: 'rm', type: 'bool', default: true, description: 'Remove intermediate containers after a successful build' },
    { name: 'tag', short: 't', type: 'stringArray', description: 'tagged `name` to apply to the built image' },
    { name: 'target', type: 'string', description: 'set the target build stage to build' },
  ],
  maxArgs: 1,
  async run(ctx, flags, args) {
    const format = flags.string('format')!;
    if (format !== 'oci' && format !== 'docker') throw new InvalidArgumentError(`unrecognized image type "${format}"`);
    const pull = flags.string('pull')!;
    const policy = (pull === 'true' ? 'always' : pull === 'false' ? 'missing' : pull) as Policy;
    if (!pullPolicies.includes(policy)) throw new InvalidArgumentError(`unsupported pull policy "${pull}"`);
    const contextDir = args[0] ?? '.';
    if (!fs.statSync(contextDir, { throwIfNoEntry: false })?.isDirectory()) throw new InvalidArgumentError(`context must be a directory: "${contextDir}"`);
    const buildArgs: Record<string, string> = {};
    for (const a of flags.array('build-arg')) {
      const eq = a.indexOf('=');
      if (eq < 0) {
        const v = process.env[a];
        if (v !== undefined) buildArgs[a] = v;
      } else buildArgs[a.slice(0, eq)] = a.slice(eq + 1);
    }
    const quiet = flags.bool('quiet');
    const { buildImage } = await import('../../../engine/image-build.ts');
    const engine = await ctx.engine();
    const network = flags.string('network');
    const target = flags.string('target');
    const report = await buildImage(engine, {
      containerfile: readContainerfile(flags.string('file'), contextDir),
      contextDir,
      tags: flags.array('tag'),
      buildArgs,
      labels: flags.array('label'),
      ...(target !== undefined ? { target } : {}),
      ...(network !== undefined ? { network } : {}),
      rm: flags.bool('rm'),
      format,
      pull: policy,
      cache: flags.bool('layers') && !flags.bool('no-cache'),
    }, {
      log: (line) => {
        if (!quiet) ctx.out(`${line}\n`);
      },
      stdout: process.stdout,
      stderr: process.stderr,
    });
    const iidfile = flags.string('iidfile');
    if (iidfile !== undefined) fs.writeFileSync(iidfile, `sha256:${report.id}`);
    ctx.out(`${report.id}\n`);
  },
};
