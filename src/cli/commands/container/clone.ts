import type { CommandSpec } from '../../command.ts';
import { resourceFlags, resourceUpdates } from './resource-flags.ts';

export const command: CommandSpec = {
  use: 'clone [options] CONTAINER NAME IMAGE',
  short: 'Clone an existing container',
  long: 'Creates a copy of an existing container.',
  examples: ['skiff container clone --name=clone ctrID', 'skiff container clone --destroy --cpus=5 ctrID', 'skiff container clone ctrID newName newImage'],
  flags: [
    ...resourceFlags(false),
    { name: 'destroy', type: 'bool', description: 'destroy the original container' },
    { name: 'force', short: 'f', type: 'bool', description: 'force the existing container to be destroyed' },
    { name: 'name', type: 'string', description: 'Assign a name to the container' },
    { name: 'run', type: 'bool', description: 'run the new container' },
  ],
  minArgs: 1,
  maxArgs: 3,
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    const name = flags.string('name') ?? args[1];
    const id = await engine.containers.clone(args[0]!, {
      ...(name !== undefined ? { name } : {}),
      ...(args[2] !== undefined ? { image: args[2] } : {}),
      resources: resourceUpdates(flags),
      destroy: flags.bool('destroy'),
      force: flags.bool('force'),
      run: flags.bool('run'),
    });
    ctx.out(`${id}\n`);
  },
};
