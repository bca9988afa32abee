/**
 * Runs the real bin/skiff against a private, throw-away store, the way Podman's system tests
 * run podman: each SkiffEnv has its own root, runroot and tmpdir under /tmp, and empty
 * containers.conf / registries.conf / storage.conf so the host's configuration never leaks in.
 *
 *   const env = new SkiffEnv();
 *   after(() => env.cleanup());
 *   const out = await env.runOk(['images', '--format', '{{.Repository}}']);
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const skiffBin = join(repoRoot, 'bin', 'skiff');

export interface RunOptions {
  /** Written to skiff's stdin, which is otherwise /dev/null. */
  input?: string | Buffer;
  /** Added to (and overriding) the environment SkiffEnv gives every run; undefined unsets. */
  env?: Record<string, string | undefined>;
  /** Kills skiff's whole process group after this long and rejects (default 120 s). */
  timeoutMs?: number;
  cwd?: string;
  /** Inject --root/--runroot/--tmpdir before the arguments (default true). */
  globalFlags?: boolean;
}

export interface RunResult {
  /** Exit status, or 128 + signal number when skiff died from a signal. */
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for commands that write binary output (save -o /dev/stdout, export). */
  stdoutBuffer: Buffer;
}

export interface SkiffEnvOptions {
  /** Environment for every run, on top of the defaults below (undefined unsets a variable). */
  env?: Record<string, string | undefined>;
}

export class SkiffEnv {
  /** The temp directory holding everything below; removed by cleanup(). */
  readonly dir: string;
  readonly root: string;
  readonly runroot: string;
  readonly tmpdir: string;
  /** Empty config files, CONTAINERS_CONF / CONTAINERS_REGISTRIES_CONF / CONTAINERS_STORAGE_CONF. */
  readonly containersConf: string;
  readonly registriesConf: string;
  readonly storageConf: string;
  /** REGISTRY_AUTH_FILE: per env, so login tests never touch the host's auth.json. */
  readonly authFile: string;
  /** The environment every run starts from (mutable: tests may add to it). */
  readonly env: Record<string, string | undefined>;

  constructor(options: SkiffEnvOptions = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'skiff-e2e-'));
    this.root = join(this.dir, 'root');
    this.runroot = join(this.dir, 'runroot');
    this.tmpdir = join(this.dir, 'tmp');
    for (const d of [this.root, this.runroot, this.tmpdir]) mkdirSync(d);
    this.containersConf = join(this.dir, 'containers.conf');
    this.registriesConf = join(this.dir, 'registries.conf');
    this.storageConf = join(this.dir, 'storage.conf');
    this.authFile = join(this.dir, 'auth.json');
    for (const f of [this.containersConf, this.registriesConf, this.storageConf]) writeFileSync(f, '');
    this.env = {
      ...process.env,
      CONTAINERS_CONF: this.containersConf,
      CONTAINERS_REGISTRIES_CONF: this.registriesConf,
      CONTAINERS_STORAGE_CONF: this.storageConf,
      REGISTRY_AUTH_FILE: this.authFile,
      ...options.env,
    };
  }

  /** The global flags run() puts before the arguments. */
  globalArgs(): string[] {
    return ['--root', this.root, '--runroot', this.runroot, '--tmpdir', this.tmpdir];
  }

  /** Overwrites one of the env's config files (they start empty). */
  writeConfig(which: 'containers' | 'registries' | 'storage', text: string): void {
    const path = { containers: this.containersConf, registries: this.registriesConf, storage: this.storageConf }[which];
    writeFileSync(path, text);
  }

  /** Runs skiff and resolves with whatever it did; rejects only when it could not run or timed out. */
  run(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const argv = [...(opts.globalFlags === false ? [] : this.globalArgs()), ...args];
    const env = withoutUndefined({ ...this.env, ...opts.env });
    const timeoutMs = opts.timeoutMs ?? 120_000;
    return new Promise((resolve, reject) => {
      const child = spawn(skiffBin, argv, {
        cwd: opts.cwd ?? this.dir,
        env,
        stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        // Its own process group, so a timeout takes conmon helpers and the like down too.
        detached: true,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout!.on('data', (b: Buffer) => out.push(b));
      child.stderr!.on('data', (b: Buffer) => err.push(b));
      if (opts.input !== undefined) {
        // skiff may exit without reading all of it; that is its business, not a test failure.
        child.stdin!.on('error', () => {});
        child.stdin!.end(opts.input);
      }
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const stdoutBuffer = Buffer.concat(out);
        const result: RunResult = {
          code: code ?? 128 + (signal ? constants.signals[signal] : 0),
          stdout: stdoutBuffer.toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          stdoutBuffer,
        };
        if (timedOut) {
          reject(new Error(`skiff ${args.join(' ')} timed out after ${timeoutMs} ms\n${formatRun(result)}`));
        } else {
          resolve(result);
        }
      });
    });
  }

  /** Runs skiff, asserts it exited 0, and returns its stdout. */
  async runOk(args: string[], opts: RunOptions = {}): Promise<string> {
    const result = await this.run(args, opts);
    assert.equal(result.code, 0, `skiff ${args.join(' ')} exited ${result.code}\n${formatRun(result)}`);
    return result.stdout;
  }

  /**
   * Removes everything: first whatever containers are left (best effort, as Podman's
   * teardown does), then any mount under the env's directory, deepest first, then the files.
   */
  async cleanup(): Promise<void> {
    if (!existsSync(this.dir)) return;
    if (existsSync(this.root) && readdirSync(this.root).length) {
      await this.run(['rm', '--all', '--force', '--time', '0'], { timeoutMs: 30_000 }).catch(() => undefined);
    }
    await unmountUnder(this.dir);
    await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/**
 * Unmounts every mount at or below `dir`, deepest first: a plain umount, else a lazy one when
 * it is busy. Mounts stacked on one target need one pass each, hence the rounds.
 */
export async function unmountUnder(dir: string): Promise<void> {
  for (let round = 0; round < 8; round++) {
    const targets = mountsUnder(dir);
    if (!targets.length) return;
    for (const target of targets) {
      try {
        await execFileP('umount', [target]);
      } catch {
        await execFileP('umount', ['--lazy', target]).catch(() => undefined);
      }
    }
  }
}

function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const targets = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => unescapeMountPath(line.split(' ')[4]!))
    .filter((t) => t === dir || t.startsWith(prefix));
  return [...new Set(targets)].sort((a, b) => b.length - a.length);
}

function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function withoutUndefined(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** A failed run, formatted for an assertion message. */
export function formatRun(result: RunResult): string {
  return `--- stdout ---\n${result.stdout}--- stderr ---\n${result.stderr}--------------`;
}
