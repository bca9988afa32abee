/**
 * COPY and ADD: sources resolved inside their root (the build context, or a stage's or
 * image's file system), globs expanded, and everything placed into a staging directory
 * that becomes the step's layer. Nothing outside the root is ever read: `../x` and
 * symlinks that lead out of it are errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createReadStream } from 'node:fs';
import { InvalidArgumentError } from '../../define/errors.ts';
import { extractArchive } from '../containers/copy/extract-archive.ts';
import { hostTarget } from '../containers/copy/copy-target.ts';
import type { GroupEntry, PasswdEntry } from '../containers/spec/user.ts';

export interface CopySource {
  /** the real path on the host */
  abs: string;
  /** as the user named it, for messages */
  name: string;
  /** the real path relative to the root, for the ignore rules */
  rel: string;
  /** ADD's download of a URL: never extracted */
  remote?: boolean;
}

const globChars = /[*?[]/;

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The real path of `rel` under `root`, refusing anything (`..`, symlinks) that leads out of it. */
function resolveInside(root: string, rel: string, name: string): string {
  const lexical = path.resolve(root, `./${rel}`);
  if (!inside(root, lexical)) throw new InvalidArgumentError(`checking on sources under "${root}": possible escaping context directory error: copier: stat: "${name}": source path is outside of the build context`);
  let real: string;
  try {
    real = fs.realpathSync(lexical);
  } catch {
    throw new InvalidArgumentError(`checking on sources under "${root}": copier: stat: "${name}": no such file or directory`);
  }
  if (!inside(root, real)) throw new InvalidArgumentError(`checking on sources under "${root}": possible escaping context directory error: copier: stat: "${name}": source path is outside of the build context`);
  return real;
}

/** Expands the sources (globs in any component) against `root`; `ignored` drops context paths. */
export function resolveSources(root: string, names: readonly string[], ignored: (rel: string) => boolean = () => false): CopySource[] {
  const realRoot = fs.realpathSync(root);
  const out: CopySource[] = [];
  for (const name of names) {
    if (!globChars.test(name)) {
      const abs = resolveInside(realRoot, name, name);
      const rel = path.relative(realRoot, abs);
      if (ignored(rel)) throw new InvalidArgumentError(`checking on sources under "${root}": copier: stat: "${name}": no such file or directory (excluded by .containerignore)`);
      out.push({ abs, name, rel });
      continue;
    }
    const parts = path.posix.normalize(name).split('/').filter((p) => p !== '' && p !== '.');
    let cur = [''];
    for (const part of parts) {
      const next: string[] = [];
      for (const rel of cur) {
        if (!globChars.test(part)) {
          next.push(path.posix.join(rel, part));
          continue;
        }
        const dir = resolveInside(realRoot, rel || '.', name);
        const re = globToRegExp(part);
        for (const e of fs.readdirSync(dir).sort()) if (re.test(e)) next.push(path.posix.join(rel, e));
      }
      cur = next;
    }
    const matched = cur.filter((rel) => fs.existsSync(path.join(realRoot, rel)) && !ignored(rel));
    if (matched.length === 0) throw new InvalidArgumentError(`checking on sources under "${root}": Rel: can't make  relative to ${root}; copier: stat: ["${name}"]: no such file or directory`);
    for (const rel of matched) {
      const abs = resolveInside(realRoot, rel, rel);
      out.push({ abs, name: rel, rel: path.relative(realRoot, abs) });
    }
  }
  return out;
}

export interface StageCopyOptions {
  /** the destination as written, absolute or relative to workdir */
  dest: string;
  workdir: string;
  chown?: { uid: number; gid: number } | undefined;
  chmod?: number | undefined;
  /** ADD: local tar archives are extracted */
  extract?: boolean;
  /** whether `p` (absolute, in the image) is a directory in the image being built */
  isDirInImage: (p: string) => boolean;
  /** the metadata of `p` in the image, for parent directories the layer must repeat */
  statInImage: (p: string) => fs.Stats | undefined;
  /** leaves root-relative paths out of directory copies (.containerignore) */
  ignored?: (rel: string) => boolean;
}

const tarNames = /\.(tar|tar\.gz|tgz|tar\.zst)$/;

function applyOwnerMode(abs: string, opts: StageCopyOptions): void {
  const owner = opts.chown ?? { uid: 0, gid: 0 };
  const walk = (p: string): void => {
    const st = fs.lstatSync(p);
    fs.lchownSync(p, owner.uid, owner.gid);
    if (opts.chmod !== undefined && !st.isSymbolicLink()) fs.chmodSync(p, opts.chmod);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
  };
  walk(abs);
}

/** Creates `dir` (an absolute image path) in the staging tree with the image's metadata for existing parents. */
function mkdirs(staging: string, dir: string, opts: StageCopyOptions): void {
  let cur = '';
  for (const part of dir.split('/').filter(Boolean)) {
    cur += `/${part}`;
    const at = path.join(staging, cur);
    if (fs.existsSync(at)) continue;
    fs.mkdirSync(at, { mode: 0o755 });
    const st = opts.statInImage(cur);
    if (st?.isDirectory()) {
      fs.chmodSync(at, st.mode & 0o7777);
      fs.lchownSync(at, st.uid, st.gid);
      fs.utimesSync(at, st.atime, st.mtime);
    }
  }
}

/** Places the sources into `staging` (the new layer's root) as COPY/ADD would in the image. */
export async function stageCopy(staging: string, sources: readonly CopySource[], opts: StageCopyOptions): Promise<void> {
  const dest = path.posix.resolve(opts.workdir || '/', opts.dest);
  const single = sources.length === 1 && !fs.statSync(sources[0]!.abs).isDirectory();
  const toDir = !single || opts.dest.endsWith('/') || opts.isDirInImage(dest);
  if (sources.length > 1 && !opts.dest.endsWith('/')) {
    throw new InvalidArgumentError(`adding multiple sources to non-directory destination "${opts.dest}": when copying more than one file, the destination must be a directory and end with a /`);
  }
  mkdirs(staging, toDir ? dest : path.posix.dirname(dest), opts);
  for (const src of sources) {
    const st = fs.statSync(src.abs);
    if (opts.extract && !src.remote && st.isFile() && tarNames.test(src.abs)) {
      mkdirs(staging, dest, opts);
      await extractArchive(createReadStream(src.abs), hostTarget(path.join(staging, dest)), { ...(opts.chown ? { chown: opts.chown } : {}) });
      continue;
    }
    const target = path.join(staging, st.isDirectory() ? dest : toDir ? path.posix.join(dest, path.basename(src.abs)) : dest);
    if (st.isDirectory()) {
      const ignored = opts.ignored ?? (() => false);
      const filter = (from: string): boolean => !ignored(path.posix.join(src.rel, path.relative(src.abs, from)));
      for (const e of fs.readdirSync(src.abs)) {
        if (!filter(path.join(src.abs, e))) continue;
        fs.cpSync(path.join(src.abs, e), path.join(target, e), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, filter });
        applyOwnerMode(path.join(target, e), opts);
      }
    } else {
      fs.cpSync(src.abs, target, { preserveTimestamps: true });
      applyOwnerMode(target, opts);
    }
  }
}

/**
 * `--chown=user[:group]` as Buildah's chrootuser.GetUser resolves it against the image's
 * /etc/passwd and /etc/group (undefined when the image lacks them): names are looked up, a
 * numeric user without a group gets its passwd entry's primary group (else 0), a user name
 * without a group its own primary group.
 */
export function resolveChown(spec: string, passwd: readonly PasswdEntry[] | undefined, group: readonly GroupEntry[] | undefined): { uid: number; gid: number } {
  const colon = spec.indexOf(':');
  const userSpec = (colon < 0 ? spec : spec.slice(0, colon)) || '0';
  const groupSpec = colon < 0 ? '' : spec.slice(colon + 1);
  const numeric = (s: string): boolean => /^\d+$/.test(s) && Number(s) <= 0xffffffff;
  const fail = (what: string): never => {
    throw new InvalidArgumentError(`looking up UID/GID for ${JSON.stringify(spec)}: ${what}`);
  };
  let uid: number;
  let gid = 0;
  if (numeric(userSpec)) {
    uid = Number(userSpec);
    gid = passwd?.find((u) => u.uid === uid)?.gid ?? 0;
  } else {
    const entry = passwd?.find((u) => u.name === userSpec);
    if (!entry) return fail(`determining run uid: user: unknown user error looking up user ${JSON.stringify(userSpec)}`);
    ({ uid, gid } = entry);
  }
  if (groupSpec !== '') {
    if (numeric(groupSpec)) gid = Number(groupSpec);
    else {
      const entry = group?.find((g) => g.name === groupSpec);
      if (!entry) return fail(`determining run gid: group: unknown group error looking up group ${JSON.stringify(groupSpec)}`);
      gid = entry.gid;
    }
  }
  return { uid, gid };
}

/** Whether resolving `spec` needs the image's /etc/passwd or /etc/group. */
export function chownNeedsLookup(spec: string): boolean {
  return !/^\d+:\d+$/.test(spec);
}
