/** Whether this process runs in a user namespace other than the initial one. */
import { readFileSync } from 'node:fs';

let cached: boolean | undefined;

/** The initial namespace maps all 2^32-1 ids from 0 to 0; any other map means a user namespace. */
export function inUserNamespace(): boolean {
  cached ??= !/^\s*0\s+0\s+4294967295\s*$/.test(readFileSync('/proc/self/uid_map', 'utf8'));
  return cached;
}
