// Bundles the CLI into dist/bin/ with esbuild: skiff-main.cjs holds every command in one
// CommonJS file, and skiff.cjs (src/cli/launch.ts) turns on the code cache and loads it.
// One CommonJS file loads faster than ESM chunks: Node resolves and links each ESM module
// one by one, while the bundle's lazily imported modules become functions that run on first
// use, so a command still evaluates only what it uses. koffi stays external: it ships a
// native addon that must be loaded from node_modules.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
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
shareDefaultImports(`${root}/dist/bin/skiff-main.cjs`);
noDynamicImport(`${root}/dist/bin/skiff-main.cjs`);
asciiOnly(`${root}/dist/bin/skiff-main.cjs`);
// The launcher picks the command's code cache before it loads the CLI: it gets the command
// tree as data (Node strips the types of these modules).
const { commandWords } = await import(`${root}/src/cli/command-words.ts`);
const { commands } = await import(`${root}/src/cli/registry.ts`);
const { globalFlags } = await import(`${root}/src/cli/global-flags.ts`);
await build({ ...common, entryPoints: { skiff: `${root}/src/cli/launch.ts` }, define: { ...common.define, SKIFF_COMMAND_WORDS: JSON.stringify(commandWords(commands, globalFlags)) } });

/**
 * esbuild turns each `import fs from 'node:fs'` into its own __toESM(require('node:fs')),
 * which copies every export of the module into a fresh object: fifty modules importing fs
 * cost ~3 ms of every command. Real ESM shares one namespace object per module; so does this,
 * by remembering __toESM's result per module.
 */
function shareDefaultImports(file) {
  const helper = 'var __toESM=(mod,isNodeMode,target)=>';
  const text = readFileSync(file, 'utf8');
  if (!text.includes(helper)) throw new Error(`bundle: esbuild's __toESM helper is not where scripts/bundle.mjs expects it in ${file}`);
  const shared =
    'var __toESMShared=new WeakMap,__toESM=(mod,isNodeMode)=>{if(mod==null||!isNodeMode)return __toESMFresh(mod,isNodeMode);' +
    'let ns=__toESMShared.get(mod);return ns||__toESMShared.set(mod,ns=__toESMFresh(mod,isNodeMode)),ns},__toESMFresh=(mod,isNodeMode,target)=>';
  writeFileSync(file, text.replace(helper, shared));
}

/**
 * launch.ts compiles the bundle with vm.Script to keep a code cache of it, and such a script
 * has no loader for import(): a builtin module comes from process.getBuiltinModule instead.
 */
function noDynamicImport(file) {
  const m = /\bimport\(\s*["'`][^)]*\)/.exec(readFileSync(file, 'utf8'));
  if (m) throw new Error(`bundle: ${m[0]} in ${file}: use process.getBuiltinModule (launch.ts loads the bundle with vm.Script)`);
}

/** launch.ts reads the bundle as latin1, a one-byte string, which is only right for ASCII. */
function asciiOnly(file) {
  const bytes = readFileSync(file);
  const at = bytes.findIndex((b) => b > 0x7f);
  if (at >= 0) {
    const line = bytes.subarray(0, at).toString('latin1').split('\n').length;
    throw new Error(`bundle: a non-ASCII byte on line ${line} of ${file}, near ${JSON.stringify(bytes.subarray(Math.max(0, at - 40), at + 10).toString('utf8'))}: write it as an escape`);
  }
}
