/**
 * What pull and push print on stderr while they work, as Podman 4.3 (containers/image 5.23)
 * does. On a pipe, one line per step, blobs and the config named by full digest, whether a
 * blob is copied or skipped. On a terminal, a line per blob once it is done or skipped,
 * named as Podman's progress bars name it: the digest's hex cut so that "Copying blob " or
 * "Copying config " and the name take 25 columns (12 hex digits for a blob, 10 for a config);
 * a skipped blob is named by the digest found at the destination.
 */
import type { PullEvent } from '../../../engine/image-pull.ts';
import type { PushEvent } from '../../../engine/image-push.ts';
import { isTerminal } from '../../../infra/sys/terminal.ts';
import type { CliContext } from '../../context.ts';

export function copyProgress(ctx: CliContext, quiet: boolean): ((event: PullEvent | PushEvent) => void) | undefined {
  if (quiet) return undefined;
  const tty = isTerminal(2);
  const bar = (kind: string, digest: string) => `Copying ${kind} ${digest.replace(/^sha256:/, '')}`.slice(0, 'Copying blob '.length + 12);
  return (event) => {
    switch (event.kind) {
      case 'resolving':
        ctx.err(`Resolving "${event.name}" using unqualified-search registries (${event.origin})\n`);
        break;
      case 'alias':
        ctx.err(`Resolved "${event.name}" as an alias (${event.origin})\n`);
        break;
      case 'alias-not-recorded':
        ctx.err(`ERRO[0000] Error recording short-name alias "${event.name}": ${event.message}\n`);
        break;
      case 'trying':
        ctx.err(`Trying to pull ${event.name}...\n`);
        break;
      case 'signatures':
        ctx.err('Getting image source signatures\n');
        break;
      case 'blob':
        if (!tty) ctx.err(`Copying blob ${event.digest}\n`);
        else if (event.skipped) ctx.err(`${bar('blob', ('reused' in event && event.reused) || event.digest)} skipped: already exists\n`);
        break;
      case 'blob-done':
        if (tty) ctx.err(`${bar('blob', event.digest)} done\n`);
        break;
      case 'config':
        ctx.err(tty ? `${bar('config', event.digest)} done\n` : `Copying config ${event.digest}\n`);
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
