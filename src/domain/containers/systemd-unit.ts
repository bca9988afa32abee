/**
 * `generate systemd` for a container: the unit text Podman 4.3 writes, with skiff named as
 * the tool. Without `new`, the unit starts and stops the existing container (Type=forking,
 * conmon's pid file); with `new`, it runs a fresh container from the command line that
 * created this one, rewritten so that systemd owns its life: a cid file, --rm, --replace for
 * a named one, -d, conmon's sd_notify, and no --restart (systemd restarts it).
 */
import { InvalidArgumentError } from '../../define/errors.ts';

export const systemdRestartPolicies = ['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always'] as const;

export interface UnitContainer {
  id: string;
  name: string;
  /** the argv that created it (`skiff [global flags] run|create …`) */
  createCommand: readonly string[];
  stopTimeout: number;
  restartPolicy: { name: string; maxRetries: number };
  /** the container's environment, for `-e NAME` taken from the host when it was created */
  env: readonly string[];
  conmonPidFile: string;
  runRoot: string;
}

export interface UnitOptions {
  /** the skiff to run: an absolute path */
  executable: string;
  /** skiff's version, for the header */
  version: string;
  /** when the unit was made, for the header */
  now: Date;
  useName?: boolean;
  new?: boolean;
  template?: boolean;
  noHeader?: boolean;
  containerPrefix?: string;
  separator?: string;
  restartPolicy?: string;
  restartSec?: number;
  startTimeout?: number;
  stopTimeout?: number;
  after?: readonly string[];
  wants?: readonly string[];
  requires?: readonly string[];
  /** `Environment=` lines' assignments (--env) */
  env?: readonly string[];
}

export interface Unit {
  /** `container-NAME` (without `.service`) */
  name: string;
  text: string;
}

/** Go's time.UnixDate: "Mon Jan _2 15:04:05 MST 2006", in UTC. */
function unixDate(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** One argument as systemd's command line reads it: `$` and `%` doubled, quoted when it has blanks. */
export function escapeSystemdArg(arg: string): string {
  const s = arg.replaceAll('$', () => '$$').replaceAll('%', '%%');
  if (/[ \t]/.test(s)) return JSON.stringify(s);
  return s.replaceAll('\\', '\\\\');
}

/** Podman's layout: each option on a continued line of its own, other words after it. */
export function formatCommand(words: readonly string[]): string {
  let out = words[0] ?? '';
  for (const w of words.slice(1)) out += w.startsWith('-') ? ` \\\n\t${w}` : ` ${w}`;
  return out;
}

/** Boolean flags of run/create that take no separate value (the rest of `-x value` pairs do). */
const boolFlags = new Set([
  '-d', '--detach', '-i', '--interactive', '-t', '--tty', '--rm', '--replace', '--privileged', '--read-only', '--read-only-tmpfs',
  '--init', '--no-hosts', '--no-healthcheck', '--env-host', '--http-proxy', '--publish-all', '-P', '--sig-proxy', '--oom-kill-disable',
  '--rootfs', '-q', '--quiet', '--tls-verify', '--help',
]);

/** The command's options (up to the image) split from the image and its arguments. */
function splitAtImage(args: readonly string[]): { options: string[]; rest: string[] } {
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return { options: args.slice(0, i), rest: args.slice(i + 1) };
    if (!a.startsWith('-') || a === '-') break;
    if (a.includes('=') || boolFlags.has(a)) continue;
    // a short flag cluster ending in a value flag ("-it") takes no separate value
    if (/^-[a-zA-Z]{2,}$/.test(a)) continue;
    i++;
  }
  return { options: args.slice(0, i), rest: args.slice(i) };
}

/** Options systemd now provides or that would fight it: dropped from the new container's command. */
function dropped(flag: string): 'alone' | 'with-value' | undefined {
  const name = flag.split('=', 1)[0]!;
  if (['--rm', '-d', '--detach', '--replace'].includes(name)) return 'alone';
  if (['--cgroups', '--cidfile', '--pidfile', '--restart', '--pod-id-file', '--infra-conmon-pidfile'].includes(name)) return flag.includes('=') ? 'alone' : 'with-value';
  return undefined;
}

function newContainerCommand(c: UnitContainer, opts: UnitOptions, cidFile: string): { words: string[]; rootFlags: string[]; extraEnv: string[] } {
  const verbAt = c.createCommand.findIndex((w, i) => i > 0 && (w === 'run' || w === 'create'));
  if (verbAt < 0) throw new InvalidArgumentError(`container's create command is too short or invalid: [${c.createCommand.join(' ')}]`);
  // `container run`: the group word is not a global flag
  const rootFlags = c.createCommand.slice(1, verbAt).filter((w, i, all) => !(w === 'container' && i === all.length - 1));
  const { options, rest } = splitAtImage(c.createCommand.slice(verbAt + 1));
  const kept: string[] = [];
  let name: string | undefined;
  let sdnotify: string | undefined;
  const extraEnv: string[] = [];
  for (let i = 0; i < options.length; i++) {
    const o = options[i]!;
    const how = dropped(o);
    if (how === 'with-value') i++;
    if (how) continue;
    const [flag, inline] = o.split(/=(.*)/s, 2) as [string, string?];
    const value = inline ?? (boolFlags.has(flag) || /^-[a-zA-Z]{2,}$/.test(flag) ? undefined : options[i + 1]);
    if (flag === '--name') name = value;
    if (flag === '--sdnotify') sdnotify = value;
    if ((flag === '-e' || flag === '--env') && value !== undefined && !value.includes('=')) {
      // taken from skiff's environment when the container was made: systemd must set it
      for (const e of c.env) if (e.split('=', 1)[0] === value) extraEnv.push(escapeSystemdArg(e));
    }
    if (flag === '--name' && opts.template && value !== undefined) {
      // one container per instance: %i is systemd's, not escaped
      kept.push(...(inline === undefined ? [flag, `${escapeSystemdArg(value)}-%i`] : [`${escapeSystemdArg(`${flag}=${value}`)}-%i`]));
      if (inline === undefined) i++;
      continue;
    }
    kept.push(escapeSystemdArg(o));
    if (inline === undefined && value !== undefined && value === options[i + 1]) kept.push(escapeSystemdArg(options[++i]!));
  }
  const words = [opts.executable, ...rootFlags.map(escapeSystemdArg), 'run', `--cidfile=${cidFile}`, '--cgroups=no-conmon', '--rm'];
  if (sdnotify === undefined) words.push('--sdnotify=conmon');
  words.push('-d');
  if (name !== undefined) words.push('--replace');
  words.push(...kept, ...rest.map(escapeSystemdArg));
  return { words, rootFlags: rootFlags.map(escapeSystemdArg), extraEnv };
}

export function containerUnit(c: UnitContainer, opts: UnitOptions): Unit {
  const isNew = opts.new || opts.template;
  const restart = opts.restartPolicy ?? (c.restartPolicy.name === 'unless-stopped' ? 'always' : c.restartPolicy.name && c.restartPolicy.name !== 'no' ? c.restartPolicy.name : 'on-failure');
  if (!(systemdRestartPolicies as readonly string[]).includes(restart)) throw new InvalidArgumentError(`${restart} is not a valid restart policy`);
  const stopTimeout = opts.stopTimeout ?? c.stopTimeout;
  const ident = opts.useName ? c.name : c.id;
  const name = `${opts.containerPrefix ?? 'container'}${opts.separator ?? '-'}${ident}`;
  const lines: string[] = [`# ${name}${opts.template ? '@' : ''}.service`];
  if (!opts.noHeader) lines.push(`# autogenerated by skiff ${opts.version}`, `# ${unixDate(opts.now)}`);
  lines.push(
    '',
    '[Unit]',
    `Description=skiff ${name}.service${opts.template ? ' for %I' : ''}`,
    'Documentation=man:podman-generate-systemd(1)',
    'Wants=network-online.target',
    'After=network-online.target',
    `RequiresMountsFor=${isNew ? '%t/containers' : c.runRoot}`,
  );
  if (opts.wants?.length || opts.after?.length || opts.requires?.length) {
    lines.push('', '# User-defined dependencies');
    if (opts.wants?.length) lines.push(`Wants=${opts.wants.join(' ')}`);
    if (opts.after?.length) lines.push(`After=${opts.after.join(' ')}`);
    if (opts.requires?.length) lines.push(`Requires=${opts.requires.join(' ')}`);
  }
  const cidFile = '%t/%n.ctr-id';
  const fresh = isNew ? newContainerCommand(c, opts, cidFile) : undefined;
  const env = [...(opts.env ?? []), ...(fresh?.extraEnv ?? [])];
  lines.push('', '[Service]', `Environment=PODMAN_SYSTEMD_UNIT=%n${opts.template ? '-%i' : ''}`);
  if (env.length) lines.push(`Environment=${env.join(' ')}`);
  lines.push(`Restart=${restart}`);
  if (opts.restartSec) lines.push(`RestartSec=${opts.restartSec}`);
  if (opts.restartPolicy === undefined && c.restartPolicy.name === 'on-failure' && c.restartPolicy.maxRetries > 0) lines.push(`StartLimitBurst=${c.restartPolicy.maxRetries}`);
  if (opts.startTimeout) lines.push(`TimeoutStartSec=${opts.startTimeout}`);
  lines.push(`TimeoutStopSec=${60 + stopTimeout}`);
  if (fresh) {
    // the global flags that made the container reach its store when systemd stops it too
    const skiff = formatCommand([opts.executable, ...fresh.rootFlags]);
    lines.push(
      `ExecStartPre=/bin/rm \\\n\t-f ${cidFile}`,
      `ExecStart=${formatCommand(fresh.words)}`,
      `ExecStop=${skiff} stop \\\n\t--ignore -t ${stopTimeout} \\\n\t--cidfile=${cidFile}`,
      `ExecStopPost=${skiff} rm \\\n\t-f \\\n\t--ignore -t ${stopTimeout} \\\n\t--cidfile=${cidFile}`,
      'Type=notify',
      'NotifyAccess=all',
    );
  } else {
    const verbAt = c.createCommand.findIndex((w, i) => i > 0 && (w === 'run' || w === 'create'));
    const root = verbAt > 0 ? c.createCommand.slice(1, verbAt).filter((w) => w !== 'container').map(escapeSystemdArg) : [];
    const skiff = [opts.executable, ...root].join(' ');
    const target = opts.useName ? c.name : c.id;
    lines.push(
      `ExecStart=${skiff} start ${target}`,
      `ExecStop=${skiff} stop  \\\n\t-t ${stopTimeout} ${target}`,
      `ExecStopPost=${skiff} stop  \\\n\t-t ${stopTimeout} ${target}`,
      `PIDFile=${c.conmonPidFile}`,
      'Type=forking',
    );
  }
  lines.push('', '[Install]', 'WantedBy=default.target', '');
  return { name, text: lines.join('\n') };
}
