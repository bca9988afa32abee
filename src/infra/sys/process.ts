/**
 * Small process helpers: the one way skiff runs a short-lived external program (argv arrays,
 * never a shell), and reads of this process's identity and limits from /proc. node:child_process
 * loads on the first run (~4 ms): `ps` and `inspect` import this module and never spawn.
 */
import { readFileSync } from 'node:fs';
import { CannotInvokeError, CommandNotFoundError, MissingProgramError, ProgramFailedError } from '../../define/errors.ts';

export interface RunProgramOptions {
  /** Debian package that ships the program, named in the error when it is missing. */
  debianPackage: string;
  /** Name used in error messages (defaults to the path's last part). */
  displayName?: string;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ProgramOutput {
  stdout: string;
  stderr: string;
}

/**
 * Runs `path args…` to completion and returns its output. A missing binary becomes a
 * MissingProgramError naming the package; a non-zero exit or a signal becomes a
 * ProgramFailedError carrying stderr.
 */
export function runProgram(path: string, args: readonly string[], opts: RunProgramOptions): Promise<ProgramOutput> {
  const name = opts.displayName ?? path.slice(path.lastIndexOf('/') + 1);
  return new Promise((resolve, reject) => {
    const child = process.getBuiltinModule('node:child_process').spawn(path, args, {
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new MissingProgramError(name, opts.debianPackage) : e);
    });
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout, stderr });
      else reject(new ProgramFailedError(name, code, stderr || (signal ? `killed by ${signal}` : '')));
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/**
 * Runs a command the user asked for in the foreground, on this process's stdio, and returns
 * its exit status (128 + the signal's number when a signal ended it). A program that is not
 * there is CommandNotFoundError (127), one that cannot be run CannotInvokeError (126).
 */
export function runForeground(program: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = process.getBuiltinModule('node:child_process').spawn(program, args, { stdio: 'inherit', env });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') reject(new CommandNotFoundError(`exec: "${program}": executable file not found in $PATH`));
      else if (err.code === 'EACCES') reject(new CannotInvokeError(`fork/exec ${program}: permission denied`));
      else reject(err);
    });
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? process.getBuiltinModule('node:os').constants.signals[signal] : 0)));
  });
}

/** Whether a process with this pid exists (a zombie counts until reaped). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The audit login uid of this process; 4294967295 means unset. */
export function readLoginUid(): number {
  try {
    return Number(readFileSync('/proc/self/loginuid', 'utf8').trim());
  } catch {
    return 4294967295;
  }
}

export interface Limit {
  /** Infinity for "unlimited". */
  soft: number;
  hard: number;
}

/** Maps /proc/self/limits' row names to RLIMIT_* names. */
const limitRows: Record<string, string> = {
  'Max cpu time': 'RLIMIT_CPU',
  'Max file size': 'RLIMIT_FSIZE',
  'Max data size': 'RLIMIT_DATA',
  'Max stack size': 'RLIMIT_STACK',
  'Max core file size': 'RLIMIT_CORE',
  'Max resident set': 'RLIMIT_RSS',
  'Max processes': 'RLIMIT_NPROC',
  'Max open files': 'RLIMIT_NOFILE',
  'Max locked memory': 'RLIMIT_MEMLOCK',
  'Max address space': 'RLIMIT_AS',
  'Max file locks': 'RLIMIT_LOCKS',
  'Max pending signals': 'RLIMIT_SIGPENDING',
  'Max msgqueue size': 'RLIMIT_MSGQUEUE',
  'Max nice priority': 'RLIMIT_NICE',
  'Max realtime priority': 'RLIMIT_RTPRIO',
  'Max realtime timeout': 'RLIMIT_RTTIME',
};

/** Parses the text of /proc/<pid>/limits into RLIMIT_* name → limits. */
export function parseLimits(text: string): Record<string, Limit> {
  const limits: Record<string, Limit> = {};
  for (const line of text.split('\n')) {
    const row = Object.keys(limitRows).find((r) => line.startsWith(`${r} `));
    if (!row) continue;
    const [soft, hard] = line.slice(row.length).trim().split(/\s+/);
    const num = (v: string | undefined) => (v === 'unlimited' || v === undefined ? Infinity : Number(v));
    limits[limitRows[row]!] = { soft: num(soft), hard: num(hard) };
  }
  return limits;
}

/** This process's resource limits, read from /proc/self/limits. */
export function readLimits(): Record<string, Limit> {
  return parseLimits(readFileSync('/proc/self/limits', 'utf8'));
}
