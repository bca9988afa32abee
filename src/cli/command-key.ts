/**
 * Which command an argv names, found without loading the CLI: the launcher picks the code
 * cache of that command before it compiles the bundle. The command tree and the global flags
 * that take a value are written into the launcher when it is bundled (scripts/bundle.mjs),
 * from registry.ts and global-flags.ts. An argv main.ts reads otherwise only gets another
 * cache, never another command.
 */

/** A word (name or alias) → the command's name and, for a group, its children. */
export interface CommandTree {
  [word: string]: [name: string, children: CommandTree | 0];
}

export interface CommandWords {
  tree: CommandTree;
  /** global flags followed by a value unless written `--flag=value` */
  valueFlags: string[];
}

/** `run`, `container-ls`, `network-create`; `skiff` for no command (help). */
export function commandKey(argv: readonly string[], words: CommandWords): string {
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const arg = argv[i]!;
    if (arg === '--') return 'skiff';
    if (!arg.includes('=') && words.valueFlags.includes(arg.replace(/^--?/, ''))) i++;
  }
  const path: string[] = [];
  let level: CommandTree | 0 = words.tree;
  for (; level !== 0 && i < argv.length; i++) {
    const found: CommandTree[string] | undefined = Object.hasOwn(level, argv[i]!) ? level[argv[i]!] : undefined;
    if (!found) break;
    path.push(found[0]);
    level = found[1];
  }
  return path.length > 0 ? path.join('-') : 'skiff';
}
