/**
 * The container process's command line, environment, umask and stop signal, with Podman
 * 4.3's precedence: built-in defaults < host environment (--env-host) < image Env < `-e`.
 */
import { constants } from 'node:os';
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { SpecInput } from './spec-input.ts';

export const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Where `--init` mounts the init binary, as Podman. */
export const initMountPath = '/run/podman-init';

const proxyVars = ['http_proxy', 'https_proxy', 'ftp_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY'];

/** Podman's makeCommand: entrypoint (unless `['']`), then the command; the image's Cmd only without --entrypoint. */
export function processArgs(input: Pick<SpecInput, 'entrypoint' | 'command' | 'image' | 'initPath'>): string[] {
  const entrypoint = input.entrypoint ?? input.image.Entrypoint ?? [];
  const args: string[] = entrypoint.length === 1 && entrypoint[0] === '' ? [] : [...entrypoint];
  const command = input.command && input.command.length > 0 ? input.command : input.entrypoint === undefined ? (input.image.Cmd ?? []) : [];
  args.push(...command);
  if (args.length === 0) throw new InvalidArgumentError('no command or entrypoint provided, and no CMD or ENTRYPOINT from image');
  return input.initPath ? [initMountPath, '--', ...args] : args;
}

function splitEnv(entry: string): [string, string | undefined] {
  const eq = entry.indexOf('=');
  return eq < 0 ? [entry, undefined] : [entry.slice(0, eq), entry.slice(eq + 1)];
}

/** Applies `-e` style entries: `K=V`, `K` (the host's value, if any), `K*` (every host K… variable). */
export function applyEnvEntries(env: Map<string, string>, entries: readonly string[], hostEnv: Readonly<Record<string, string | undefined>>): void {
  for (const entry of entries) {
    const [key, value] = splitEnv(entry);
    if (key === '') throw new InvalidArgumentError(`invalid environment variable: ${JSON.stringify(entry)}`);
    if (value !== undefined) {
      env.set(key, value);
    } else if (key.endsWith('*')) {
      const prefix = key.slice(0, -1);
      for (const [k, v] of Object.entries(hostEnv)) if (k.startsWith(prefix) && v !== undefined) env.set(k, v);
    } else if (hostEnv[key] !== undefined) {
      env.set(key, hostEnv[key]!);
    }
  }
}

/** The final environment as `K=V` strings, in first-set order. */
export function processEnv(input: SpecInput, hostname: string): string[] {
  const hostEnv = input.hostEnv ?? {};
  const env = new Map<string, string>([
    ['PATH', defaultPath],
    ['TERM', 'xterm'],
  ]);
  // Software that asks "am I in a container, which one?" (systemd, toolbox) reads this: Podman's
  // value, kept so scripts written for Podman behave the same; set first for Podman's order, and
  // again last because libpod overrides whatever the image or -e said.
  env.set('container', 'podman');
  if (input.envHost) {
    for (const [k, v] of Object.entries(hostEnv)) if (v !== undefined) env.set(k, v);
  } else if (input.httpProxy !== false) {
    for (const k of proxyVars) if (hostEnv[k] !== undefined) env.set(k, hostEnv[k]!);
  }
  applyEnvEntries(env, input.image.Env ?? [], {});
  applyEnvEntries(env, input.env ?? [], hostEnv);
  env.set('container', 'podman');
  if (input.notifySocketDir !== undefined) env.set('NOTIFY_SOCKET', '/run/notify/notify.sock');
  if (!env.has('HOSTNAME')) env.set('HOSTNAME', hostname);
  if (!env.has('HOME') && input.user.home) env.set('HOME', input.user.home);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** `0022` → 18; Podman accepts three or four octal digits. */
export function parseUmask(text: string): number {
  if (!/^[0-7]{1,4}$/.test(text)) throw new InvalidArgumentError(`invalid umask string ${text}`);
  return Number.parseInt(text, 8);
}

const SIGRTMIN = 34;
const SIGRTMAX = 64;

/** `SIGTERM`, `term`, `15`, `RTMIN+3` → the signal number. */
export function parseSignal(signal: string | number): number {
  if (typeof signal === 'number' || /^\d+$/.test(signal)) {
    const n = Number(signal);
    if (n < 1 || n > SIGRTMAX) throw new InvalidArgumentError(`invalid signal: ${signal}`);
    return n;
  }
  const name = signal.toUpperCase().replace(/^SIG/, '');
  const rt = /^RTM(IN|AX)([+-]\d+)?$/.exec(name);
  if (rt) {
    const n = (rt[1] === 'IN' ? SIGRTMIN : SIGRTMAX) + Number(rt[2] ?? 0);
    if (n < SIGRTMIN || n > SIGRTMAX) throw new InvalidArgumentError(`invalid signal: ${signal}`);
    return n;
  }
  const n = (constants.signals as Record<string, number>)[`SIG${name}`];
  if (n === undefined) throw new InvalidArgumentError(`invalid signal: ${signal}`);
  return n;
}
