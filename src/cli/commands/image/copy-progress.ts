/**
 * What pull and push print on stderr while they work, as Podman does: on a pipe one line
 * per step with blobs and the config named by full digest; on a terminal a line per blob
 * when it is done (or skipped), named by its short digest.
 */
import type { PullEvent } from '../../../engine/image-pull.ts';
import type { CliContext } from '../../context.ts';

export function copyProgress(ctx: CliContext, quiet: boolean): ((event: PullEvent) => void) | undefined {
  if (quiet) return undefined;
  const tty = Boolean(process.stderr.isTTY);
  const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);
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
        if (event.skipped) ctx.err(`Copying blob ${tty ? short(event.digest) : event.digest} skipped: already exists\n`);
        else if (!tty) ctx.err(`Copying blob ${event.digest}\n`);
        break;
      case 'blob-done':
        if (tty) ctx.err(`Copying blob ${short(event.digest)} done\n`);
        break;
      case 'config':
        ctx.err(tty ? `Copying config ${short(event.digest)} done\n` : `Copying config ${event.digest}\n`);
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
