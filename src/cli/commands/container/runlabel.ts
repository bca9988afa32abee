import { InvalidArgumentError } from '../../../define/errors.ts';
import { defaultRunlabelName, runlabelCommand } from '../../../domain/containers/runlabel.ts';
import { runForeground } from '../../../infra/sys/process.ts';
import type { CommandSpec } from '../../command.ts';
import { globalArgs } from '../../global-flags.ts';
import { skiffExecutable } from '../../skiff-executable.ts';
import { copyProgress } from '../image/copy-progress.ts';
import { credsFlag, registryAccess, tlsFlags } from '../image/registry-flags.ts';

export const command: CommandSpec = {
  use: 'runlabel [options] LABEL IMAGE [ARG...]',
  short: 'Execute the command described by an image label',
  long: 'Executes a command as described by a container image label.',
  examples: ['skiff container runlabel run imageID', 'skiff container runlabel install imageID arg1 arg2', 'skiff container runlabel --display run myImage'],
  flags: [
    ...tlsFlags,
    credsFlag,
    { name: 'display', type: 'bool', description: 'Preview the command that the label would run' },
    { name: 'name', short: 'n', type: 'string', description: 'Assign a name to the container' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress output information when installing images' },
    { name: 'replace', type: 'bool', description: 'Replace existing container with a new one from the image' },
  ],
  minArgs: 2,
  stopAtFirstPositional: true,
  async run(ctx, flags, args) {
    const [label, image, ...extra] = args as [string, string, ...string[]];
    const engine = await ctx.engine();
    const img = await engine.images.ensureImage(image, 'missing', { ...(await registryAccess(flags)), onEvent: copyProgress(ctx, flags.bool('quiet')) });
    const labels = engine.images.inspect(img.id).Labels ?? {};
    // Atomic's labels are upper case (RUN, INSTALL); `runlabel run` finds them too
    const value = labels[label] ?? Object.entries(labels).find(([k]) => k.toLowerCase() === label.toLowerCase())?.[1];
    if (value === undefined) throw new InvalidArgumentError(`cannot find the value of label: ${label} in image: ${image}`);
    const name = flags.string('name') ?? defaultRunlabelName(image);
    // the name as the store keeps it (`localhost/app:latest` for `localhost/app`), as Podman passes it
    const stored = img.names[0] ?? image;
    const argv = [...runlabelCommand({ value, image: stored, name, pwd: process.cwd(), executable: skiffExecutable(), globalArgs: globalArgs(ctx.global) }), ...extra];
    if (flags.bool('display')) {
      ctx.out(`command: ${argv.join(' ')}\n`);
      return 0;
    }
    if (flags.bool('replace')) await engine.containers.remove([name], { force: true, ignore: true, timeout: 10 });
    return runForeground(argv[0]!, argv.slice(1), { ...process.env, IMAGE: stored, NAME: name });
  },
};
