import type { CommandSpec, FlagSpec } from './command.ts';
import type { CommandEntry } from './registry.ts';

function flagLines(flags: readonly FlagSpec[]): string[] {
  const visible = flags.filter((f) => !f.hidden).sort((a, b) => a.name.localeCompare(b.name));
  const left = visible.map((f) => {
    const typeHint = f.type === 'bool' ? '' : f.type === 'int' ? ' int' : f.type === 'stringArray' ? ' stringArray' : ' string';
    return `${f.short ? `-${f.short}, ` : '    '}--${f.name}${typeHint}`;
  });
  const width = Math.max(0, ...left.map((l) => l.length));
  return visible.map((f, i) => {
    let desc = f.description;
    const d = f.default;
    if (d !== undefined && d !== false && d !== '' && !(Array.isArray(d) && d.length === 0)) {
      desc += ` (default ${Array.isArray(d) ? `[${d.join(',')}]` : typeof d === 'string' ? `"${d}"` : d})`;
    }
    return `  ${left[i]!.padEnd(width)}   ${desc}`;
  });
}

export function commandHelp(spec: CommandSpec, path: string[], aliases: string[] = []): string {
  const lines: string[] = [spec.short, '', 'Description:', `  ${(spec.long ?? spec.short).split('\n').join('\n  ')}`, ''];
  const parent = path.slice(0, -1);
  // One spec serves aliases in other groups (`rmi` and `image rm`): name the command as typed.
  const use = path.length ? [path.at(-1), ...spec.use.split(' ').slice(1)].join(' ') : spec.use;
  lines.push('Usage:', `  ${['skiff', ...parent, use].join(' ')}`, '');
  if (aliases.length) lines.push('Aliases:', `  ${[path.at(-1), ...aliases].join(', ')}`, '');
  if (spec.examples?.length) lines.push('Examples:', ...spec.examples.map((e) => `  ${e}`), '');
  const fl = flagLines(spec.flags ?? []);
  if (fl.length) lines.push('Options:', ...fl, '');
  return lines.join('\n');
}

export function groupHelp(short: string, path: string[], children: readonly CommandEntry[], globals: readonly FlagSpec[]): string {
  const name = ['skiff', ...path].join(' ');
  const width = Math.max(...children.map((c) => c.name.length));
  const lines = [
    short,
    '',
    'Usage:',
    `  ${name} [options]${path.length ? '' : ' [command]'}${path.length ? ' [command]' : ''}`,
    '',
    'Available Commands:',
    ...children.map((c) => `  ${c.name.padEnd(width)}  ${c.short}`),
    '',
  ];
  if (!path.length) lines.push('Options:', ...flagLines(globals), '');
  return lines.join('\n');
}
