/**
 * The file bin/skiff runs. It turns on V8's code cache before loading the CLI, so the CLI
 * (one CommonJS file, see scripts/bundle.mjs) is compiled once per build instead of once
 * per command: compiling it was most of a short command's run time. The cache is per user,
 * so a rootless user never reads code root compiled.
 */
import { writeSync } from 'node:fs';
import { createRequire, enableCompileCache } from 'node:module';
import { homedir } from 'node:os';
import { skiffVersion } from './version.ts';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  // The one answer that needs none of the CLI: loading it would triple the time.
  printVersion(`skiff version ${skiffVersion}\n`);
} else {
  // A rootless skiff is uid 0 inside its user namespace (_CONTAINERS_USERNS_CONFIGURED) but
  // can write only to the user's own home, like any other user.
  const rootful = process.getuid?.() === 0 && !process.env['_CONTAINERS_USERNS_CONFIGURED'];
  enableCompileCache(rootful ? '/var/cache/skiff/node-compile-cache' : `${homedir()}/.cache/skiff/node-compile-cache`);
  createRequire(import.meta.url)('./skiff-main.cjs');
}

/** Straight to fd 1: process.stdout would load stream code for one line. */
function printVersion(text: string): void {
  try {
    writeSync(1, text);
  } catch {
    process.stdout.write(text);
  }
}
