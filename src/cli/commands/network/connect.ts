import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'connect [options] NETWORK CONTAINER',
  short: 'Add container to a network',
  long: 'Add container to a network',
  examples: ['skiff network connect web secondary'],
  minArgs: 2,
  maxArgs: 2,
  flags: [
    { name: 'alias', type: 'stringArray', description: 'network scoped alias for container' },
    { name: 'ip', type: 'string', description: 'set a static ipv4 address for this container network' },
    { name: 'ip6', type: 'string', description: 'set a static ipv6 address for this container network' },
    { name: 'mac-address', type: 'string', description: 'set a static mac address for this container network' },
  ],
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    await engine.networks.connect(args[0]!, args[1]!, {
      aliases: flags.array('alias'),
      ...(flags.changed('ip') ? { ip: flags.string('ip')! } : {}),
      ...(flags.changed('ip6') ? { ip6: flags.string('ip6')! } : {}),
      ...(flags.changed('mac-address') ? { macAddress: flags.string('mac-address')! } : {}),
    });
  },
};
