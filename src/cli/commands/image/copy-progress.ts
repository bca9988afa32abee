/**
 * What pull and push print on stderr while they work, as Podman does on a pipe: one line per step,
 * blobs and the config named by digest.
 */
import type { PullEvent } from '../../../engine/image-pull.ts';
import type { CliContext } from '../../context.ts';

export function copyProgress(ctx: CliContext, quiet: boolean): ((event: PullEvent) => void) | undefined {
  if (quiet) return undefined;
  return (event) => {
    switch (event.kind) {
      case 'alias':
        ctx.err(`Resolved "${event.name}" as an alias (${event.origin})\n`);
        break;
      case 'trying':
        ctx.err(`Trying to pull ${event.name}...\n`);
        break;
      case 'signatures':
        ctx.err('Getting image source signatures\n');
        break;
      case 'blob':
        ctx.err(`Copying blob ${event.digest}${event.skipped ? ' skipped: already exists' : ''}\n`);
        break;
      case 'config':
        ctx.err(`Copying config ${event.digest}\n`);
        break;
      case 'manifest':
        ctx.err('Writing manifest to image destination\n');
        break;
      case 'storing-signatures':
        ctx.err('Storing signatures\n');
        break;
    }
  };
}
