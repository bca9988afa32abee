import type { CommandSpec } from '../../command.ts';
import { createFlags, createOptionsFrom, pullOptionsFrom } from './create-flags.ts';

export const command: CommandSpec = {
  use: 'create [options] IMAGE [COMMAND [ARG...]]',
  short: 'Create but do not start a container',
  long: 'Creates a new container from the given image or storage and prepares it for running the specified command.\n\nThe container ID is then printed to stdout. You can then start it at any time with the skiff start <container_id> command. The container will be created with the initial state \'created\'.',
  examples: ['skiff create alpine ls', 'skiff create --annotation HELLO=WORLD alpine ls', 'skiff create -t -i --name myctr alpine ls'],
  flags: createFlags,
  minArgs: 1,
  stopAtFirstPositional: true,
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    const id = await engine.containers.create(createOptionsFrom(flags, args, ['skiff', ...process.argv.slice(2)]), await pullOptionsFrom(ctx, flags));
    ctx.out(`${id}\n`);
  },
};
