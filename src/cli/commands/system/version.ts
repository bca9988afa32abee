import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '../../../define/errors.ts';
import { goArch } from '../../../engine/system-info.ts';
import type { CommandSpec } from '../../command.ts';
import { marshalJSON } from '../../format/go-json.ts';
import { GoTemplate, isJSONFormat, normalizeFormat } from '../../format/template.ts';
import { tabwrite } from '../../format/table.ts';
import { apiVersion, skiffVersion } from '../../version.ts';

/** skiff's build (Podman's define.Version); Node's version stands where Podman has Go's. */
export interface VersionInfo {
  APIVersion: string;
  Version: string;
  NodeVersion: string;
  GitCommit: string;
  BuiltTime: string;
  Built: number;
  OsArch: string;
  Os: string;
}

/** Go's time.ANSIC layout ("Mon Jan _2 15:04:05 2006"), in UTC. */
function ansic(date: Date): string {
  // toUTCString: "Sun, 29 Nov 2026 19:55:04 GMT"
  const [weekday, day, month, year, time] = date.toUTCString().replace(',', '').split(' ');
  return `${weekday} ${month} ${String(Number(day)).padStart(2)} ${time} ${year}`;
}

/** When this build was made: the time the compiled CLI was written. */
function builtAt(): Date {
  try {
    return statSync(fileURLToPath(import.meta.url)).mtime;
  } catch {
    return new Date(0);
  }
}

export function versionInfo(): VersionInfo {
  const built = builtAt();
  return {
    APIVersion: apiVersion,
    Version: skiffVersion,
    NodeVersion: process.version,
    GitCommit: '',
    BuiltTime: ansic(built),
    Built: Math.floor(built.getTime() / 1000),
    OsArch: `${process.platform}/${goArch()}`,
    Os: process.platform,
  };
}

export const command: CommandSpec = {
  use: 'version [options]',
  short: 'Display the skiff version information',
  long: 'Displays the skiff version, the Podman API version it follows, and how it was built.',
  flags: [{ name: 'format', short: 'f', type: 'string', description: 'Change the output format to JSON or a Go template' }],
  async run(ctx, flags, args) {
    if (args.length) throw new InvalidArgumentError(`\`${ctx.commandLine}\` takes no arguments`);
    const client = versionInfo();
    const format = flags.string('format');
    if (format !== undefined && format !== '') {
      if (isJSONFormat(format)) {
        ctx.out(`${marshalJSON({ Client: client })}\n`);
        return;
      }
      // Podman retries a format that fails on {Client, Server} against the client alone, which
      // serves `{{.Server.Version}}` (no server here) and the old flat `{{.Version}}` alike.
      const data = /\.Client\b/.test(format) ? { Client: client } : client;
      const text = normalizeFormat(format).replaceAll('.Server.', '.');
      ctx.out(new GoTemplate(text, { name: 'version' }).execute(data));
      return;
    }
    const rows = [
      ['Client:', 'skiff Engine'],
      ['Version:', client.Version],
      ['API Version:', client.APIVersion],
      ['Node Version:', client.NodeVersion],
      ...(client.GitCommit ? [['Git Commit:', client.GitCommit]] : []),
      ['Built:', client.BuiltTime],
      ['OS/Arch:', client.OsArch],
    ];
    ctx.out(tabwrite(rows.map(([k, v]) => `${k}\t${v}\n`).join('')));
  },
};
