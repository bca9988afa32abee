import { showTrust, trustPolicyPath } from '../../../../engine/image-trust.ts';
import type { CommandSpec } from '../../../command.ts';
import { formatReports } from '../../../format/printer.ts';
import { marshalJSON } from '../../../format/go-json.ts';

export const command: CommandSpec = {
  use: 'show [options] [REGISTRY]',
  short: 'Display trust policy for the system',
  long: 'Display trust policy for the system',
  examples: ['skiff image trust show'],
  flags: [
    { name: 'json', short: 'j', type: 'bool', description: 'Output as json' },
    { name: 'noheading', short: 'n', type: 'bool', description: 'Do not print column headings' },
    { name: 'raw', type: 'bool', description: 'Output raw policy file' },
    { name: 'policypath', type: 'string', description: '', hidden: true },
  ],
  maxArgs: 1,
  async run(ctx, flags, args) {
    const { raw, rows } = showTrust(trustPolicyPath(flags.string('policypath')));
    const shown = args[0] === undefined ? rows : rows.filter((r) => r.repo_name === args[0]);
    if (flags.bool('raw')) ctx.out(`${raw}\n`);
    else if (flags.bool('json')) ctx.out(`${marshalJSON(shown, { indent: '  ' })}\n`);
    else {
      const items = shown.map((r) => ({ Transport: r.transport, RepoName: r.repo_name, Type: r.type, GPGId: '', SignatureStore: '' }));
      ctx.out(formatReports(items, { defaultFormat: 'table {{.Transport}}\t{{.RepoName}}\t{{.Type}}\t{{.GPGId}}\t{{.SignatureStore}}', headers: { RepoName: 'NAME', GPGId: 'ID', SignatureStore: 'STORE' }, noHeading: flags.bool('noheading') }));
    }
  },
};
