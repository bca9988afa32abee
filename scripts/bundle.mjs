// Bundles the CLI into dist/bin/ with esbuild: one entry plus lazily loaded chunks, so a
// command loads a handful of files instead of a hundred modules (module resolution and
// compilation were most of skiff's start-up time). koffi stays external: it ships a
// native addon that must be loaded from node_modules. Old chunks are left in place, so a
// skiff process still running from the previous build can finish loading its own.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  entryPoints: { skiff: `${root}/src/cli/main.ts` },
  outdir: `${root}/dist/bin`,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  external: ['koffi'],
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
