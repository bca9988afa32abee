/**
 * The file bin/skiff runs. It loads the CLI (one CommonJS file, see scripts/bundle.mjs) with a
 * V8 code cache of the command being run, made after that command ran once. Node's own
 * compile cache is made right after compiling, when only the bundle's top level is compiled,
 * so every command compiled each function it used again (~12 ms of `run`); one cache for all
 * commands grows past 2 MB, and V8 reads all of it every time (~7 ms more for `ps`). A cache
 * is written when a command succeeds without one that fits, then only read; at most
 * `keptCaches` are kept. They are per user, so a rootless user never reads code root compiled.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { codeCacheHook } from './code-cache-hook.ts';
import { commandKey, type CommandWords } from './command-key.ts';
import { skiffVersion } from './version.ts';

/** The command tree, written in by scripts/bundle.mjs (command-words.ts). */
declare const SKIFF_COMMAND_WORDS: CommandWords;

/** ~0.6–1 MB each: the commands one uses stay, the rest go. */
const keptCaches = 24;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  // The one answer that needs none of the CLI: loading it would triple the time.
  printVersion(`skiff version ${skiffVersion}\n`);
} else {
  loadCli(fileURLToPath(new URL('./skiff-main.cjs', import.meta.url)));
}

/** Straight to fd 1: process.stdout would load stream code for one line. */
function printVersion(text: string): void {
  try {
    writeSync(1, text);
  } catch {
    process.stdout.write(text);
  }
}

function cacheDir(): string {
  // A rootless skiff is uid 0 inside its user namespace (_CONTAINERS_USERNS_CONFIGURED) but
  // can write only to the user's own home, like any other user.
  const rootful = process.getuid?.() === 0 && !process.env['_CONTAINERS_USERNS_CONFIGURED'];
  return rootful ? '/var/cache/skiff/code' : `${homedir()}/.cache/skiff/code`;
}

/**
 * The cache's data when it was made from this very bundle file. V8 itself checks only the
 * source's length, so the file's identity is kept beside the data: a JSON line, then the data.
 */
function readCache(file: string, source: string): Buffer | undefined {
  try {
    const bytes = readFileSync(file);
    const nl = bytes.indexOf(10);
    const head = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as { source?: unknown };
    return head.source === source ? bytes.subarray(nl + 1) : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces the cache whole (a temporary file renamed over it), then drops the least used beyond keptCaches. */
function writeCache(file: string, source: string, data: Buffer): void {
  const dir = path.dirname(file);
  const tmp = `${file}.${process.pid}`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify({ source })}\n`), data]), { mode: 0o644 });
    renameSync(tmp, file);
    const caches = readdirSync(dir).filter((f) => f.endsWith('.v8cache'));
    if (caches.length <= keptCaches) return;
    const used = caches.map((f) => ({ f, at: statSync(path.join(dir, f)).atimeMs })).sort((a, b) => b.at - a.at);
    for (const { f } of used.slice(keptCaches)) rmSync(path.join(dir, f), { force: true });
  } catch {
    // a read-only home or a full disk: the next command compiles again, nothing worse
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing was written, or nothing can be removed there
    }
  }
}

function loadCli(main: string): void {
  const file = path.join(cacheDir(), `${commandKey(argv, SKIFF_COMMAND_WORDS)}.v8cache`);
  // ASCII only (scripts/bundle.mjs checks): latin1 reads it as it is, into a one-byte string, faster than utf8.
  const text = readFileSync(main, 'latin1');
  const st = statSync(main);
  const source = `${st.ino}:${st.size}:${st.mtimeMs}`;
  const cached = readCache(file, source);
  // The CommonJS wrapper on the source's first line, so line numbers in stack traces hold.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${text}\n})`, {
    filename: main,
    ...(cached ? { cachedData: cached } : {}),
  });
  if (cached === undefined || script.cachedDataRejected === true) {
    codeCacheHook.install({ succeeded: () => process.once('exit', () => writeCache(file, source, script.createCachedData())) });
  }
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(main), module, main, path.dirname(main));
}
