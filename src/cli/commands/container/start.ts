import { InvalidArgumentError } from '../../../define/errors.ts';
import { parseDetachKeys } from '../../../infra/oci/detach-keys.ts';
import type { CommandSpec } from '../../command.ts';
import { printBatch } from './batch-output.ts';
import { proxySignals } from './signal-proxy.ts';

export const command: CommandSpec = {
  use: 'start [options] CONTAINER [CONTAINER...]',
  short: 'Start one or more containers',
  long: 'Starts one or more containers.  The container name or ID can be used.',
  examples: ['skiff start 860a4b231279 5421ab43b45', 'skiff start --interactive --attach imageID'],
  flags: [
    { name: 'all', type: 'bool', description: 'Start all containers regardless of their state or configuration' },
    { name: 'attach', short: 'a', type: 'bool', description: "Attach container's STDOUT and STDERR" },
    { name: 'detach-keys', type: 'string', default: 'ctrl-p,ctrl-q', description: 'Select the key sequence for detaching a container. Format is a single character [a-Z] or a comma separated sequence of `ctrl-<value>`, where `<value>` is one of: `a-z`, `@`, `^`, `[`, `\\`, `]`, `^` or `_`' },
    { name: 'filter', short: 'f', type: 'stringArray', description: 'Filter output based on conditions given' },
    { name: 'interactive', short: 'i', type: 'bool', description: 'Keep STDIN open even if not attached' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
    { name: 'sig-proxy', type: 'bool', description: 'Proxy received signals to the process (default true if attaching, false otherwise)' },
  ],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    const latest = flags.bool('latest');
    const filters = flags.array('filter');
    if (!all && !latest && args.length === 0 && filters.length === 0) throw new InvalidArgumentError('start requires at least one argument');
    if (all && args.length > 0) throw new InvalidArgumentError('--all and containers cannot be used together');
    const attach = flags.bool('attach');
    if (flags.changed('sig-proxy') && flags.bool('sig-proxy') && !attach) throw new InvalidArgumentError('you cannot use sig-proxy without --attach');
    if (attach && (args.length > 1 || all)) throw new InvalidArgumentError('you cannot start and attach multiple containers at once');
    const detachKeys = flags.changed('detach-keys') ? flags.string('detach-keys')! : undefined;
    if (detachKeys !== undefined) parseDetachKeys(detachKeys);
    const engine = await ctx.engine();
    if (attach) {
      const name = latest ? engine.containers.latest()?.config.id ?? '' : args[0]!;
      const sigProxy = !flags.changed('sig-proxy') || flags.bool('sig-proxy');
      const report = await engine.containers.startAttached(name, {
        streams: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
        ...(detachKeys !== undefined ? { detachKeys } : {}),
        ...(sigProxy ? { onStarted: (id: string) => proxySignals(engine, id) } : {}),
      });
      if (flags.bool('interactive')) process.stdin.destroy();
      return report.ExitCode ?? 0;
    }
    const reports = await engine.containers.start(args, { all, latest, ...(filters.length ? { filters } : {}) });
    printBatch(ctx, reports);
    return 0;
  },
};
