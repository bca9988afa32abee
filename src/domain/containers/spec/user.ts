/**
 * Resolving `--user user[:group]` and `--group-add` against a container's /etc/passwd and
 * /etc/group, with runc's GetExecUser rules and Podman 4.3's additional-group order. Pure:
 * resolve-user.ts reads the files.
 */
import { InvalidArgumentError } from '../../../define/errors.ts';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

const isId = (s: string) => /^\d+$/.test(s);

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(':');
    if (f.length < 4 || f[0] === '' || !isId(f[2]!) || !isId(f[3]!)) continue;
    out.push({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '' });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(':');
    if (f.length < 3 || f[0] === '' || !isId(f[2]!)) continue;
    out.push({ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) });
  }
  return out;
}

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  /** the passwd entry's home, undefined when the user has none (the runtime then uses `/`) */
  home: string | undefined;
  /** `--group-add keep-groups`: keep the caller's groups (crun's run.oci.keep_original_groups) */
  keepGroups: boolean;
}

const MAX_ID = 2 ** 31 - 1;

function numericId(s: string, what: string): number {
  const n = Number(s);
  if (n > MAX_ID) throw new InvalidArgumentError(`${what} ${s} is out of range`);
  return n;
}

/**
 * `userSpec` is `--user` or the image's User ('' for the default, root). `passwd`/`group`
 * are undefined when the image lacks the file: then only numeric IDs resolve.
 */
export function resolveUserSpec(
  userSpec: string,
  groupAdd: readonly string[],
  passwd: readonly PasswdEntry[] | undefined,
  group: readonly GroupEntry[] | undefined,
): ResolvedUser {
  const colon = userSpec.indexOf(':');
  const userArg = colon < 0 ? userSpec : userSpec.slice(0, colon);
  const groupArg = colon < 0 ? '' : userSpec.slice(colon + 1);
  const groups = group ?? [];

  const entry = (passwd ?? []).find((u) => (userArg === '' ? u.uid === 0 : isId(userArg) ? u.uid === Number(userArg) : u.name === userArg));
  let uid = 0;
  let gid = 0;
  let home: string | undefined;
  if (entry) {
    ({ uid, gid, home } = entry);
  } else if (userArg !== '') {
    if (!isId(userArg)) throw new InvalidArgumentError(`unable to find user ${userArg}: no matching entries in passwd file`);
    uid = numericId(userArg, 'uid');
  }
  if (groupArg !== '') {
    const g = groups.find((x) => (isId(groupArg) ? x.gid === Number(groupArg) : x.name === groupArg));
    if (g) gid = g.gid;
    else if (isId(groupArg)) gid = numericId(groupArg, 'gid');
    else throw new InvalidArgumentError(`unable to find group ${groupArg}: no matching entries in group file`);
  }

  const keepGroups = groupAdd.includes('keep-groups');
  const added = groupAdd.filter((g) => g !== 'keep-groups').map((g) => {
    const found = groups.find((x) => x.name === g || String(x.gid) === g);
    if (found) return found.gid;
    if (!isId(g)) throw new InvalidArgumentError(`unable to find group ${g}: no matching entries in group file`);
    return numericId(g, 'gid');
  });
  // Supplementary groups from /etc/group only make sense when no group was named.
  const memberOf = entry && groupArg === '' ? groups.filter((g) => g.members.includes(entry.name)).map((g) => g.gid) : [];
  const additional = userSpec === '' ? added : [gid, ...added, ...memberOf];
  return { uid, gid, additionalGids: [...new Set(additional)], home, keepGroups };
}
