import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'create [options] [NAME]',
  short: 'Create a new volume',
  long: 'If using the default driver, "local", the volume will be created on the host in the volumes directory under container storage.',
  examples: ['skiff volume create myvol', 'skiff volume create', 'skiff volume create --label foo=bar myvol'],
  maxArgs: 1,
  flags: [
    { name: 'driver', short: 'd', type: 'string', default: 'local', description: 'Specify volume driver name' },
    { name: 'label', short: 'l', type: 'stringArray', description: 'Set metadata for a volume (default [])' },
    { name: 'opt', short: 'o', type: 'stringArray', description: 'Set driver specific options (default [])' },
  ],
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    const name = await engine.volumes.create({ name: args[0], driver: flags.string('driver'), labels: flags.array('label'), options: flags.array('opt') });
    ctx.out(`${name}\n`);
  },
};
