/**
 * /etc/subuid and /etc/subgid: the subordinate id ranges newuidmap/newgidmap let a user map
 * into its user namespace. Lines are `NAME-or-UID:START:COUNT`.
 */
import { readFileSync } from 'node:fs';

export interface SubidRange {
  start: number;
  count: number;
}

/** The ranges in `text` that belong to the user, by name or by numeric uid, in file order. */
export function parseSubids(text: string, user: { name: string; uid: number }): SubidRange[] {
  const ranges: SubidRange[] = [];
  for (const line of text.split('\n')) {
    const [owner, start, count] = line.trim().split(':');
    if (owner !== user.name && owner !== String(user.uid)) continue;
    const s = Number(start);
    const c = Number(count);
    if (Number.isInteger(s) && Number.isInteger(c) && s >= 0 && c > 0) ranges.push({ start: s, count: c });
  }
  return ranges;
}

/** The user's ranges in `file`; a missing or unreadable file gives none. */
export function readSubids(file: string, user: { name: string; uid: number }): SubidRange[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return parseSubids(text, user);
}
