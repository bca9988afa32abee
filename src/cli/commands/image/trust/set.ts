import { setTrust, trustPolicyPath } from '../../../../engine/image-trust.ts';
import type { CommandSpec } from '../../../command.ts';

export const command: CommandSpec = {
  use: 'set [options] REGISTRY',
  short: 'Set default trust policy or a new trust policy for a registry',
  long: 'Set default trust policy or add a new trust policy for a registry',
  examples: ['skiff image trust set -f public-key.gpg -t signedBy registry.example.com', 'skiff image trust set -t reject default'],
  flags: [
    { name: 'pubkeysfile', short: 'f', type: 'stringArray', description: 'Path of installed public key(s) to trust for TARGET.' },
    { name: 'type', short: 't', type: 'string', default: 'signedBy', description: "Trust type, accept values: signedBy(default), accept, reject" },
    { name: 'policypath', type: 'string', description: '', hidden: true },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run(_ctx, flags, args) {
    setTrust(trustPolicyPath(flags.string('policypath')), args[0]!, flags.string('type') ?? 'signedBy', flags.array('pubkeysfile'));
  },
};
