import { InvalidArgumentError } from '../../../define/errors.ts';
import { parseDetachKeys } from '../../../infra/oci/detach-keys.ts';
import type { CommandSpec } from '../../command.ts';
import { proxySignals } from './signal-proxy.ts';

export const command: CommandSpec = {
  use: 'attach [options] CONTAINER',
  short: 'Attach to a running container',
  long: 'The skiff attach command allows you to attach to a running container using the container\'s ID or name, either to view its ongoing output or to control it interactively.',
  examples: ['skiff attach ctrID', 'skiff attach 1234', 'skiff attach --no-stdin foobar'],
  flags: [
    { name: 'detach-keys', type: 'string', default: 'ctrl-p,ctrl-q', description: 'Select the key sequence for detaching a container. Format is a single character [a-Z] or a comma separated sequence of `ctrl-<value>`, where `<value>` is one of: `a-z`, `@`, `^`, `[`, `\\`, `]`, `^` or `_`' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
    { name: 'no-stdin', type: 'bool', description: 'Do not attach STDIN. The default is false' },
    { name: 'sig-proxy', type: 'bool', default: true, description: 'Proxy received signals to the process' },
  ],
  maxArgs: 1,
  async run(ctx, flags, args) {
    const latest = flags.bool('latest');
    if (!latest && args.length === 0) throw new InvalidArgumentError('attach requires the name or id of one running container or the latest flag');
    if (latest && args.length > 0) throw new InvalidArgumentError('--latest and containers cannot be used together');
    const detachKeys = flags.changed('detach-keys') ? flags.string('detach-keys')! : undefined;
    if (detachKeys !== undefined) parseDetachKeys(detachKeys);
    const engine = await ctx.engine();
    const name = latest ? (engine.containers.latest()?.config.id ?? '') : args[0]!;
    const noStdin = flags.bool('no-stdin');
    const report = await engine.containers.attach(name, {
      streams: { ...(noStdin ? {} : { stdin: process.stdin }), stdout: process.stdout, stderr: process.stderr },
      ...(detachKeys !== undefined ? { detachKeys } : {}),
      ...(flags.bool('sig-proxy') ? { onStarted: (id: string) => proxySignals(engine, id) } : {}),
    });
    if (!noStdin) process.stdin.destroy();
    return report.ExitCode ?? 0;
  },
};
