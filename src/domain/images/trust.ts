/**
 * `image trust`: policy.json as Podman 4.3 shows it (one row per scope: the default as `all`,
 * docker scopes as `repository`) and changes it (one scope's requirement replaced; `default`
 * is the global default). Everything else in the file is kept as it was.
 */
import { InvalidArgumentError } from '../../define/errors.ts';

export const trustTypes = ['accept', 'reject', 'signedBy', 'sigstoreSigned'] as const;
export type TrustType = (typeof trustTypes)[number];

export interface TrustRow {
  transport: string;
  name: string;
  repo_name: string;
  type: string;
}

interface RawRequirement {
  type?: unknown;
}

/** Podman's word for a requirement list: its first requirement's type. */
function typeWord(reqs: unknown): string {
  const first = Array.isArray(reqs) ? (reqs[0] as RawRequirement | undefined) : undefined;
  switch (first?.type) {
    case 'insecureAcceptAnything':
      return 'accept';
    case 'reject':
      return 'reject';
    case 'signedBy':
      return 'signed';
    default:
      return typeof first?.type === 'string' ? first.type : '';
  }
}

/** The rows `image trust show` prints: the default, then each transport's scopes by name. */
export function trustRows(policy: Record<string, unknown>): TrustRow[] {
  const rows: TrustRow[] = [{ transport: 'all', name: '* (default)', repo_name: 'default', type: typeWord(policy['default']) }];
  const transports = (policy['transports'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const transport of Object.keys(transports).sort()) {
    for (const scope of Object.keys(transports[transport] ?? {}).sort()) {
      rows.push({ transport: transport === 'docker' ? 'repository' : transport, name: scope, repo_name: scope, type: typeWord(transports[transport]![scope]) });
    }
  }
  return rows;
}

/** The policy with `scope`'s requirement set to `type` (signedBy: the GPG key files, absolute). */
export function withTrust(policy: Record<string, unknown>, scope: string, type: string, keyFiles: readonly string[]): Record<string, unknown> {
  if (!(trustTypes as readonly string[]).includes(type)) {
    throw new InvalidArgumentError(`invalid choice: ${type} (choose from 'accept', 'reject', 'signedBy', 'sigstoreSigned')`);
  }
  let reqs: Record<string, unknown>[];
  if (type === 'accept') reqs = [{ type: 'insecureAcceptAnything' }];
  else if (type === 'reject') reqs = [{ type: 'reject' }];
  else {
    if (keyFiles.length === 0) throw new InvalidArgumentError(`at least one public key must be defined for type '${type}'`);
    reqs = keyFiles.map((keyPath) => (type === 'signedBy' ? { type, keyType: 'GPGKeys', keyPath } : { type, keyPath }));
  }
  if (scope === 'default') return { ...policy, default: reqs };
  const transports = { ...((policy['transports'] ?? {}) as Record<string, Record<string, unknown>>) };
  transports['docker'] = { ...(transports['docker'] ?? {}), [scope]: reqs };
  // keys in order, as Go writes a map
  const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
  return { ...policy, transports: sorted(Object.fromEntries(Object.entries(transports).map(([t, scopes]) => [t, sorted(scopes)]))) };
}
