import type { ResourceOptions } from '../../../domain/containers/build-config.ts';
import type { CommandSpec } from '../../command.ts';
import type { ParsedFlags } from '../../flags.ts';

/** The limit flags given, in `create`'s terms; the rest stay as the original has them. */
function resourceFlags(flags: ParsedFlags): ResourceOptions {
  const r: ResourceOptions = {};
  const str = (f: string) => (flags.changed(f) ? flags.string(f) : undefined);
  const int = (f: string) => (flags.changed(f) ? flags.int(f) : undefined);
  const set = <K extends keyof ResourceOptions>(k: K, v: ResourceOptions[K] | undefined) => {
    if (v !== undefined) r[k] = v;
  };
  set('memory', str('memory'));
  set('memoryReservation', str('memory-reservation'));
  set('memorySwap', str('memory-swap'));
  set('memorySwappiness', int('memory-swappiness'));
  set('cpus', flags.changed('cpus') ? Number(flags.string('cpus')) : undefined);
  set('cpuShares', int('cpu-shares'));
  set('cpuPeriod', int('cpu-period'));
  set('cpuQuota', int('cpu-quota'));
  set('cpusetCpus', str('cpuset-cpus'));
  set('cpusetMems', str('cpuset-mems'));
  set('blkioWeight', int('blkio-weight'));
  return r;
}

export const command: CommandSpec = {
  use: 'clone [options] CONTAINER NAME IMAGE',
  short: 'Clone an existing container',
  long: 'Creates a copy of an existing container.',
  examples: ['skiff container clone --name=clone ctrID', 'skiff container clone --destroy --cpus=5 ctrID', 'skiff container clone ctrID newName newImage'],
  flags: [
    { name: 'blkio-weight', type: 'int', description: 'Block IO weight (relative weight) accepts a weight value between 10 and 1000.' },
    { name: 'cpu-period', type: 'int', description: 'Limit the CPU CFS (Completely Fair Scheduler) period' },
    { name: 'cpu-quota', type: 'int', description: 'Limit the CPU CFS (Completely Fair Scheduler) quota' },
    { name: 'cpu-shares', short: 'c', type: 'int', description: 'CPU shares (relative weight)' },
    { name: 'cpus', type: 'string', description: 'Number of CPUs. The default is 0.000 which means no limit' },
    { name: 'cpuset-cpus', type: 'string', description: 'CPUs in which to allow execution (0-3, 0,1)' },
    { name: 'cpuset-mems', type: 'string', description: 'Memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only effective on NUMA systems.' },
    { name: 'destroy', type: 'bool', description: 'destroy the original container' },
    { name: 'force', short: 'f', type: 'bool', description: 'force the existing container to be destroyed' },
    { name: 'memory', short: 'm', type: 'string', description: 'Memory limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))' },
    { name: 'memory-reservation', type: 'string', description: 'Memory soft limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))' },
    { name: 'memory-swap', type: 'string', description: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap" },
    { name: 'memory-swappiness', type: 'int', default: -1, description: 'Tune container memory swappiness (0 to 100, or -1 for system default)' },
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
      resources: resourceFlags(flags),
      destroy: flags.bool('destroy'),
      force: flags.bool('force'),
      run: flags.bool('run'),
    });
    ctx.out(`${id}\n`);
  },
};
