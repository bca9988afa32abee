import { InvalidArgumentError } from '../../../define/errors.ts';
import { execInContainer } from '../../../engine/container-ops/exec.ts';
import { parseDetachKeys } from '../../../infra/oci/detach-keys.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'exec [options] CONTAINER [COMMAND [ARG...]]',
  short: 'Run a process in a running container',
  long: 'Execute the specified command inside a running container.',
  examples: ['skiff exec -it ctrID ls', 'skiff exec -it -w /tmp myCtr pwd', 'skiff exec --user root ctrID ls'],
  flags: [
    { name: 'detach', short: 'd', type: 'bool', description: 'Run the exec session in detached mode (backgrounded)' },
    { name: 'detach-keys', type: 'string', description: 'Select the key sequence for detaching a container. Format is a single character [a-Z] or ctrl-<value> where <value> is one of: a-z, @, ^, [, , or _' },
    { name: 'env', short: 'e', type: 'stringArray', description: 'Set environment variables' },
    { name: 'env-file', type: 'stringArray', description: 'Read in a file of environment variables' },
    { name: 'interactive', short: 'i', type: 'bool', description: 'Keep STDIN open even if not attached' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
    { name: 'privileged', type: 'bool', description: 'Give the process extended Linux capabilities inside the container.  The default is false' },
    { name: 'tty', short: 't', type: 'bool', description: 'Allocate a pseudo-TTY. The default is false' },
    { name: 'user', short: 'u', type: 'string', description: 'Sets the username or UID used and optionally the groupname or GID for the specified command' },
    { name: 'workdir', short: 'w', type: 'string', description: 'Working directory inside the container' },
  ],
  stopAtFirstPositional: true,
  async run(ctx, flags, args) {
    const latest = flags.bool('latest');
    if (!latest && args.length === 0) throw new InvalidArgumentError('exec requires the name or ID of a container or the --latest flag');
    const detachKeys = flags.changed('detach-keys') ? flags.string('detach-keys')! : undefined;
    if (detachKeys !== undefined) parseDetachKeys(detachKeys);
    const engine = await ctx.engine();
    const ce = engine.containers;
    const target = latest ? ce.latest()?.config.id : args[0];
    if (target === undefined) throw new InvalidArgumentError('no containers to exec in: no such container');
    const interactive = flags.bool('interactive');
    const detach = flags.bool('detach');
    const report = await execInContainer(ce, target, {
      command: latest ? args : args.slice(1),
      interactive,
      tty: flags.bool('tty'),
      detach,
      env: flags.array('env'),
      envFiles: flags.array('env-file'),
      ...(flags.changed('workdir') ? { workdir: flags.string('workdir')! } : {}),
      ...(flags.changed('user') ? { user: flags.string('user')! } : {}),
      privileged: flags.bool('privileged'),
      ...(detachKeys !== undefined ? { detachKeys } : {}),
      streams: { ...(interactive && !detach ? { stdin: process.stdin } : {}), stdout: process.stdout, stderr: process.stderr },
    }).finally(() => {
      if (interactive) process.stdin.destroy();
    });
    if (detach) {
      ctx.out(`${report.sessionId}\n`);
      return 0;
    }
    return report.exitCode ?? 0;
  },
};
