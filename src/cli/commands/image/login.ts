import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { registryAccess, tlsFlags } from './registry-flags.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export const command: CommandSpec = {
  use: 'login [options] [REGISTRY]',
  short: 'Login to a container registry',
  long: 'Login to a container registry on a specified server.',
  examples: ['skiff login quay.io', 'skiff login --username USERNAME --password-stdin quay.io < password.txt', 'skiff login --get-login quay.io'],
  maxArgs: 1,
  flags: [
    { name: 'get-login', type: 'bool', description: 'Return the current login user for the registry' },
    { name: 'password', short: 'p', type: 'string', description: 'Password for registry' },
    { name: 'password-stdin', type: 'bool', description: 'Take the password from stdin' },
    { name: 'username', short: 'u', type: 'string', description: 'Username for registry' },
    { name: 'verbose', short: 'v', type: 'bool', description: 'Write more detailed information to stdout' },
    ...tlsFlags,
  ],
  async run(ctx, flags, args) {
    const auth = await import('../../../engine/registry-login.ts');
    const access = await registryAccess(flags, false);
    if (flags.bool('get-login')) {
      ctx.out(`${auth.getLogin(args[0], access.authfile)}\n`);
      return;
    }
    let password = flags.string('password');
    const username = flags.string('username');
    if (flags.bool('password-stdin')) {
      if (password !== undefined) throw new InvalidArgumentError('can\'t specify both --password-stdin and --password');
      if (!username) throw new InvalidArgumentError('must provide --username with --password-stdin');
      password = await readStdin();
    }
    const report = await auth.login({ ...access, registry: args[0], username, password });
    if (report.kind === 'already-logged-in') {
      ctx.out(`Authenticating with existing credentials for ${report.registry}\nExisting credentials are valid. Already logged in to ${report.registry}\n`);
    } else {
      ctx.out('Login Succeeded!\n');
    }
  },
};
