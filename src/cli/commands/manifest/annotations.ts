import { InvalidArgumentError } from '../../../define/errors.ts';
import type { ParsedFlags } from '../../flags.ts';

/** `--annotation key=value` flags of `manifest add` and `manifest annotate`. */
export function annotationsFrom(flags: ParsedFlags): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const a of flags.array('annotation')) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`no value given for annotation "${a}"`);
    annotations[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return annotations;
}
