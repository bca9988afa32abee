// Bundles the CLI into dist/bin/ with esbuild: skiff-main.cjs holds every command in one
// CommonJS file, and skiff.cjs (src/cli/launch.ts) turns on the code cache and loads it.
// One CommonJS file loads faster than ESM chunks: Node resolves and links each ESM module
// one by one, while the bundle's lazily imported modules become functions that run on first
// use, so a command still evaluates only what it uses. koffi stays external: it ships a
// native addon that must be loaded from node_modules.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = {
  outdir: `${root}/dist/bin`,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node24',
  external: ['koffi', './skiff-main.cjs'],
  // The sources are ESM; in CommonJS import.meta is empty, so its url comes from __filename.
  define: { 'import.meta.url': '__skiffModuleUrl' },
  banner: { js: 'const __skiffModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  // Less source for Node to read and hash on every start (the code cache is keyed by it);
  // names stay, so stack traces still read.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
};
await build({ ...common, entryPoints: { 'skiff-main': `${root}/src/cli/main.ts` } });
await build({ ...common, entryPoints: { skiff: `${root}/src/cli/launch.ts` } });
