/** `image trust`: reading and rewriting policy.json through the domain's rules. */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../define/errors.ts';
import { trustRows, withTrust, type TrustRow } from '../domain/images/trust.ts';
import { parsePolicy } from '../infra/config/policy.ts';
import { policyPath } from '../infra/config/paths.ts';

/** The policy file `image trust` reads and writes: --policypath, else the user's or the system's. */
export function trustPolicyPath(given?: string): string {
  return policyPath(given ? { signaturePolicy: given } : {});
}

function readRaw(file: string): { text: string; json: Record<string, unknown> } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`reading signature policy ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`, { cause: err });
  }
  // checked as pulls check it: a file they would refuse is refused here too
  parsePolicy(text, file);
  return { text, json: JSON.parse(text) as Record<string, unknown> };
}

export function showTrust(file: string): { raw: string; rows: TrustRow[] } {
  const { text, json } = readRaw(file);
  return { raw: text, rows: trustRows(json) };
}

/** Sets `scope`'s requirement and writes the file whole (a temporary file renamed over it). */
export function setTrust(file: string, scope: string, type: string, keyFiles: readonly string[]): void {
  const { json } = readRaw(file);
  const next = withTrust(json, scope, type, keyFiles.map((k) => path.resolve(k)));
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(next, null, 4), { mode: fs.statSync(file).mode & 0o7777 });
  fs.renameSync(tmp, file);
}
