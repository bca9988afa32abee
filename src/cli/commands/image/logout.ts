import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'logout [options] [REGISTRY]',
  short: 'Logout of a container registry',
  long: 'Remove the cached username and password for the registry.',
  examples: ['skiff logout quay.io', 'skiff logout --all'],
  maxArgs: 1,
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Remove the cached credentials for all registries in the auth file' },
    { name: 'authfile', type: 'string', description: 'Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override' },
  ],
  async run(ctx, flags, args) {
    const { logout, loginKey } = await import('../../../engine/registry-login.ts');
    const all = flags.bool('all');
    if (all && args.length) throw new InvalidArgumentError('--all takes no registry argument');
    logout(args[0], all, flags.string('authfile'));
    ctx.out(all ? 'Removed login credentials for all registries\n' : `Removed login credentials for ${loginKey(args[0])}\n`);
  },
};
