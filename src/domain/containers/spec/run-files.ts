/**
 * Writes a container's generated files into its userdata directory before it starts: hosts,
 * resolv.conf, hostname, .containerenv and (with --tz) localtime. The returned paths go to
 * SpecInput.runFiles, which bind-mounts them.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { InvalidArgumentError } from '../../../define/errors.ts';
import {
  containerenvContent,
  hostsContent,
  parseResolvConf,
  resolvConfContent,
  type ContainerenvInput,
  type HostsInput,
  type ResolvConfInput,
} from './run-file-content.ts';
import type { RunFiles } from './spec-input.ts';

export interface RunFilesOptions {
  hostname: string;
  name: string;
  /** /etc/hosts; null for --no-hosts. `baseHostsFile` defaults to the host's /etc/hosts, `none` for none. */
  hosts: (Omit<HostsInput, 'baseHosts' | 'hostname' | 'name'> & { baseHostsFile?: string }) | null;
  /** /etc/resolv.conf; null when the container has no network. */
  resolvConf: Omit<ResolvConfInput, 'hostResolvConf'> | null;
  containerenv: { privileged: boolean; info: ContainerenvInput };
  /** `--tz`: `local` or a zone name such as `Europe/Paris` */
  timezone?: string;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The host's resolver config; behind systemd-resolved's stub, the real upstream list. */
function hostResolvConf(): string | undefined {
  const text = readIfExists('/etc/resolv.conf');
  if (text === undefined) return undefined;
  const { servers } = parseResolvConf(text);
  if (servers.length > 0 && servers.every((s) => s === '127.0.0.53')) return readIfExists('/run/systemd/resolve/resolv.conf') ?? text;
  return text;
}

function timezoneFile(tz: string): string {
  if (tz === 'local') return '/etc/localtime';
  const path = normalize(join('/usr/share/zoneinfo', tz));
  if (!path.startsWith('/usr/share/zoneinfo/') || !existsSync(path)) throw new InvalidArgumentError(`finding timezone: unknown time zone ${tz}`);
  return path;
}

export function prepareRunFiles(userdataDir: string, opts: RunFilesOptions): RunFiles {
  mkdirSync(userdataDir, { recursive: true });
  const files: RunFiles = {};
  const write = (name: string, text: string): string => {
    const path = join(userdataDir, name);
    writeFileSync(path, text, { mode: 0o644 });
    return path;
  };
  if (opts.hosts) {
    const base = opts.hosts.baseHostsFile === 'none' ? undefined : readIfExists(opts.hosts.baseHostsFile ?? '/etc/hosts');
    files.hosts = write('hosts', hostsContent({ ...opts.hosts, baseHosts: base, hostname: opts.hostname, name: opts.name }));
  }
  if (opts.resolvConf) files.resolvConf = write('resolv.conf', resolvConfContent({ ...opts.resolvConf, hostResolvConf: hostResolvConf() }));
  files.hostname = write('hostname', `${opts.hostname}\n`);
  files.containerenv = write('.containerenv', containerenvContent(opts.containerenv.privileged, opts.containerenv.info));
  if (opts.timezone) {
    files.localtime = join(userdataDir, 'localtime');
    copyFileSync(timezoneFile(opts.timezone), files.localtime);
  }
  return files;
}
