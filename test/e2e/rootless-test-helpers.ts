/**
 * Running skiff as a real unprivileged user: the users (made once, idempotently, with
 * `useradd -m`), a private XDG_RUNTIME_DIR/XDG_DATA_HOME/XDG_CONFIG_HOME per test run, and
 * `runuser -u NAME -- env -i … bin/skiff …`. Nothing is copied: the checkout, its node and
 * the fixtures must be readable by other users (a umask-022 clone is).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot, skiffBin } from '../helpers/skiff.ts';

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface UserRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Why rootless tests cannot run here, or false. */
export function rootlessSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root to create the test users';
  for (const tool of ['/usr/sbin/useradd', '/usr/sbin/runuser', '/usr/bin/newuidmap', '/usr/bin/newgidmap']) {
    if (!existsSync(tool)) return `needs ${tool} (packages passwd, util-linux, uidmap)`;
  }
  const node = join(repoRoot, '.tools/node/node_modules/node/bin/node');
  const closed = notOpenToOthers([skiffBin, join(repoRoot, 'dist/bin/skiff.cjs'), join(repoRoot, 'dist/bin/skiff-main.cjs'), ...(existsSync(node) ? [node] : [])]);
  return closed ? `the checkout is not readable by other users (${closed}): clone it with umask 022` : false;
}

/** The first path (or ancestor directory) another user could not read or traverse. */
export function notOpenToOthers(files: string[]): string | undefined {
  for (const file of files) {
    if ((statSync(file).mode & 0o004) === 0) return file;
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) return dir;
      if (dir === '/') break;
    }
  }
  return undefined;
}

/**
 * The user NAME, created with a home and (unless `subordinateIds` is false) the
 * /etc/subuid and /etc/subgid ranges useradd gives; with false, any ranges are removed.
 */
export function ensureUser(name: string, subordinateIds = true): TestUser {
  if (!passwdEntry(name)) execFileSync('/usr/sbin/useradd', ['-m', name], { stdio: 'pipe' });
  const args: string[] = [];
  for (const [file, flag] of [['/etc/subuid', '--del-subuids'], ['/etc/subgid', '--del-subgids']] as const) {
    const ranges = subids(file, name);
    if (!subordinateIds) for (const r of ranges) args.push(flag, `${r.start}-${r.start + r.count - 1}`);
    else if (ranges.length === 0) throw new Error(`useradd gave ${name} no range in ${file}`);
  }
  if (args.length) execFileSync('/usr/sbin/usermod', [...args, name], { stdio: 'pipe' });
  const [, , uid, gid, , home] = passwdEntry(name)!;
  return { name, uid: Number(uid), gid: Number(gid), home: home! };
}

function passwdEntry(name: string): string[] | undefined {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  return line?.split(':');
}

export function subids(file: string, name: string): { start: number; count: number }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f[0] === name)
    .map((f) => ({ start: Number(f[1]), count: Number(f[2]) }));
}

/** One user's private skiff world: runtime dir, data and config homes, all under a temp dir. */
export class UserEnv {
  readonly user: TestUser;
  readonly dir: string;
  readonly runtimeDir: string;
  readonly dataHome: string;
  readonly configHome: string;

  constructor(user: TestUser) {
    this.user = user;
    this.dir = mkdtempSync(join(tmpdir(), `skiff-rootless-${user.name}-`));
    chownSync(this.dir, user.uid, user.gid);
    this.runtimeDir = this.#ownedDir('run');
    this.dataHome = this.#ownedDir('data');
    this.configHome = this.#ownedDir('config');
  }

  #ownedDir(name: string): string {
    const dir = join(this.dir, name);
    execFileSync('/usr/sbin/runuser', ['-u', this.user.name, '--', 'mkdir', '-m', '700', dir]);
    return dir;
  }

  get graphRoot(): string {
    return join(this.dataHome, 'skiff');
  }

  get pidFile(): string {
    return join(this.runtimeDir, 'skiff', 'pause.pid');
  }

  /** `pathPrefix`: directories searched before the usual PATH (stand-in programs). */
  run(args: string[], opts: { pathPrefix?: string } = {}): Promise<UserRun> {
    const env = [
      `PATH=${opts.pathPrefix ? `${opts.pathPrefix}:` : ''}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      `HOME=${this.user.home}`,
      `USER=${this.user.name}`,
      `XDG_RUNTIME_DIR=${this.runtimeDir}`,
      `XDG_DATA_HOME=${this.dataHome}`,
      `XDG_CONFIG_HOME=${this.configHome}`,
    ];
    const child = spawn('/usr/sbin/runuser', ['-u', this.user.name, '--', 'env', '-i', ...env, skiffBin, ...args], {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    });
  }

  async runOk(args: string[], opts: { pathPrefix?: string } = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`skiff ${args.join(' ')} (as ${this.user.name}) exited ${r.code}\n${r.stderr}`);
    return r.stdout;
  }

  /** Removes the user's containers, stops its pause process (its mounts go with it) and deletes the files. */
  async cleanup(): Promise<void> {
    if (existsSync(this.pidFile)) {
      await this.run(['rm', '-af', '-t', '0']);
      await this.run(['system', 'migrate']);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
