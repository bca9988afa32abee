import { parseKeyValues } from '../../../domain/containers/option-parsers.ts';
import type { CommandSpec } from '../../command.ts';
import { splitList } from '../split-list.ts';

export const command: CommandSpec = {
  use: 'create [options] [NAME]',
  short: 'Create networks for containers and pods',
  long: 'Create networks for containers and pods',
  examples: ['skiff network create podman1'],
  maxArgs: 1,
  flags: [
    { name: 'disable-dns', type: 'bool', description: 'disable dns plugin' },
    { name: 'driver', short: 'd', type: 'string', default: 'bridge', description: 'driver to manage the network' },
    { name: 'gateway', type: 'stringArray', description: 'IPv4 or IPv6 gateway for the subnet' },
    { name: 'interface-name', type: 'string', description: 'interface name which is used by the driver' },
    { name: 'internal', type: 'bool', description: 'restrict external access from this network' },
    { name: 'ip-range', type: 'stringArray', description: 'allocate container IP from range' },
    { name: 'ipam-driver', type: 'string', description: 'IP Address Management Driver' },
    { name: 'ipv6', type: 'bool', description: 'enable IPv6 networking' },
    { name: 'label', type: 'stringArray', description: 'set metadata on a network' },
    { name: 'opt', short: 'o', type: 'stringArray', description: 'Set driver specific options (default [])' },
    { name: 'subnet', type: 'stringArray', description: 'subnets in CIDR format' },
  ],
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    const net = await engine.networks.create({
      ...(args[0] !== undefined ? { name: args[0] } : {}),
      driver: flags.string('driver') ?? 'bridge',
      subnets: flags.array('subnet'),
      gateways: flags.array('gateway'),
      ipRanges: flags.array('ip-range'),
      ipv6: flags.bool('ipv6'),
      internal: flags.bool('internal'),
      disableDns: flags.bool('disable-dns'),
      labels: parseKeyValues(flags.array('label'), 'label'),
      options: parseKeyValues(splitList(flags.array('opt')), 'option'),
      ...(flags.changed('interface-name') ? { interfaceName: flags.string('interface-name')! } : {}),
      ...(flags.changed('ipam-driver') ? { ipamDriver: flags.string('ipam-driver')! } : {}),
    });
    ctx.out(`${net.name}\n`);
  },
};
