/**
 * The file bin/skiff runs. It loads the CLI (one CommonJS file, see scripts/bundle.mjs) with a
 * V8 code cache made after commands ran. Node's own compile cache is made right after
 * compiling, when only the bundle's top level is compiled, so every command compiled each
 * function it used again (~12 ms of `run`, ~3 ms of `ps`). This cache holds every function
 * the commands in it used: it is written again whenever a command succeeds that it does not
 * list yet, so it stops changing once the commands a user runs are in. It is per user, so a
 * rootless user never reads code root compiled.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { codeCacheHook, type CodeCacheHook } from './code-cache-hook.ts';
import { skiffVersion } from './version.ts';

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

/** The cache file: a JSON line `{"commands": […]}`, then V8's code cache of the bundle. */
interface CacheFile {
  commands: string[];
  data: Buffer | undefined;
}

function cacheFilePath(): string {
  // A rootless skiff is uid 0 inside its user namespace (_CONTAINERS_USERNS_CONFIGURED) but
  // can write only to the user's own home, like any other user.
  const rootful = process.getuid?.() === 0 && !process.env['_CONTAINERS_USERNS_CONFIGURED'];
  return path.join(rootful ? '/var/cache/skiff' : `${homedir()}/.cache/skiff`, 'skiff-main.v8cache');
}

function readCache(file: string): CacheFile {
  try {
    const bytes = readFileSync(file);
    const nl = bytes.indexOf(10);
    const head = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as { commands?: unknown };
    const commands = Array.isArray(head.commands) ? head.commands.filter((c): c is string => typeof c === 'string') : [];
    return { commands, data: bytes.subarray(nl + 1) };
  } catch {
    return { commands: [], data: undefined };
  }
}

/** Replaces the cache whole (a temporary file renamed over it), so a reader never sees half. */
function writeCache(file: string, commands: readonly string[], data: Buffer): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify({ commands })}\n`), data]), { mode: 0o644 });
    renameSync(tmp, file);
  } catch {
    // a read-only home or a full disk: the next command compiles again, nothing worse
  }
}

function loadCli(main: string): void {
  const file = cacheFilePath();
  const cache = readCache(file);
  // ASCII only (scripts/bundle.mjs checks): latin1 reads it as it is, into a one-byte string, faster than utf8.
  const source = readFileSync(main, 'latin1');
  // The CommonJS wrapper on the source's first line, so line numbers in stack traces hold.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: main,
    ...(cache.data ? { cachedData: cache.data } : {}),
  });
  const stale = cache.data === undefined || script.cachedDataRejected === true;
  const hook: CodeCacheHook = {
    succeeded(command) {
      if (!stale && cache.commands.includes(command)) return;
      const commands = stale ? [command] : [...cache.commands, command];
      process.once('exit', () => writeCache(file, commands, script.createCachedData()));
    },
  };
  codeCacheHook.install(hook);
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(main), module, main, path.dirname(main));
}
