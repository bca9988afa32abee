/**
 * The command tree and value-taking global flags as plain data, for command-key.ts: made when
 * the launcher is bundled (scripts/bundle.mjs), so the launcher never loads the registry.
 */
import type { FlagSpec } from './command.ts';
import type { CommandTree, CommandWords } from './command-key.ts';
import type { CommandEntry } from './registry.ts';

function tree(entries: readonly CommandEntry[]): CommandTree {
  const out: CommandTree = {};
  for (const e of entries) {
    const node: CommandTree[string] = [e.name, e.children ? tree(e.children) : 0];
    for (const word of [e.name, ...(e.aliases ?? [])]) out[word] = node;
  }
  return out;
}

export function commandWords(entries: readonly CommandEntry[], flags: readonly FlagSpec[]): CommandWords {
  const valueFlags = flags.filter((f) => f.type !== 'bool').flatMap((f) => [f.name, ...(f.short ? [f.short] : [])]);
  return { tree: tree(entries), valueFlags };
}
