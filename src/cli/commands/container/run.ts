import { parseDetachKeys } from '../../../infra/oci/detach-keys.ts';
import type { CommandSpec } from '../../command.ts';
import { createFlags, createOptionsFrom, pullOptionsFrom, runOnlyFlags } from './create-flags.ts';
import { proxySignals } from './signal-proxy.ts';

export const command: CommandSpec = {
  use: 'run [options] IMAGE [COMMAND [ARG...]]',
  short: 'Run a command in a new container',
  long: 'Runs a command in a new container from the given image',
  examples: ['skiff run imageID ls -alF /etc', 'skiff run --network=host imageID dnf -y install java', 'skiff run --volume /var/hostdir:/var/ctrdir -i -t fedora /bin/bash'],
  flags: [...createFlags, ...runOnlyFlags],
  minArgs: 1,
  stopAtFirstPositional: true,
  async run(ctx, flags, args) {
    const create = createOptionsFrom(flags, args, ['skiff', ...process.argv.slice(2)]);
    const detachKeys = flags.changed('detach-keys') ? flags.string('detach-keys')! : undefined;
    if (detachKeys !== undefined) parseDetachKeys(detachKeys);
    const detach = flags.bool('detach');
    // A foreground run attaches stdout and stderr (and stdin with -i) unless -a says which.
    if (!detach && !create.attach?.length) create.attach = create.interactive ? ['stdin', 'stdout', 'stderr'] : ['stdout', 'stderr'];
    const engine = await ctx.engine();
    const report = await engine.containers.run({
      create,
      pull: await pullOptionsFrom(ctx, flags),
      detach,
      // stdin only with -i: opening process.stdin costs a few ms even for /dev/null
      streams: { ...(create.interactive ? { stdin: process.stdin } : {}), stdout: process.stdout, stderr: process.stderr },
      ...(detachKeys !== undefined ? { detachKeys } : {}),
      ...(flags.bool('sig-proxy') ? { onStarted: (id: string) => proxySignals(engine, id) } : {}),
    });
    if (create.interactive) process.stdin.destroy();
    if (detach) {
      ctx.out(`${report.Id}\n`);
      return 0;
    }
    return report.ExitCode ?? 0;
  },
};
