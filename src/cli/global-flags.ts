import type { FlagSpec } from './command.ts';
import type { ParsedFlags } from './flags.ts';
import type { GlobalOptions } from './context.ts';

/** Podman's persistent flags: accepted before the command or among its own flags. */
export const globalFlags: FlagSpec[] = [
  { name: 'root', type: 'string', description: 'Path to the root directory in which data, including images, is stored' },
  { name: 'runroot', type: 'string', description: "Path to the 'run directory' where all state information is stored" },
  { name: 'storage-driver', type: 'string', description: 'Select which storage driver is used to manage storage of images and containers' },
  { name: 'storage-opt', type: 'stringArray', description: 'Used to pass an option to the storage driver' },
  { name: 'log-level', type: 'string', default: 'warn', description: 'Log messages above specified level (trace, debug, info, warn, warning, error, fatal, panic)' },
  { name: 'runtime', type: 'string', description: 'Path to the OCI-compatible binary used to run containers.' },
  { name: 'cgroup-manager', type: 'string', description: 'Cgroup manager to use ("cgroupfs"|"systemd")' },
  { name: 'events-backend', type: 'string', description: 'Events backend to use ("file"|"journald"|"none")' },
  { name: 'tmpdir', type: 'string', description: 'Path to the tmp directory for libpod state content.' },
  { name: 'conmon', type: 'string', description: 'Path of the conmon binary' },
  { name: 'network-cmd-path', type: 'string', description: 'Path to the command for configuring the network', hidden: true },
  { name: 'syslog', type: 'bool', description: 'Output logging information to syslog as well as the console (default false)', hidden: true },
  { name: 'version', short: 'v', type: 'bool', description: 'Version of Podman' },
];

const levels = new Set(['trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal', 'panic']);

export function globalOptionsFrom(flags: ParsedFlags): GlobalOptions {
  const logLevel = flags.string('log-level') ?? 'warn';
  if (!levels.has(logLevel)) {
    throw new Error(`Log Level "${logLevel}" is not supported, choose from: trace, debug, info, warn, error, fatal, panic`);
  }
  return {
    logLevel,
    root: flags.string('root'),
    runroot: flags.string('runroot'),
    storageDriver: flags.string('storage-driver'),
    storageOpts: flags.array('storage-opt'),
    runtime: flags.string('runtime'),
    cgroupManager: flags.string('cgroup-manager'),
    eventsBackend: flags.string('events-backend'),
    tmpdir: flags.string('tmpdir'),
    conmon: flags.string('conmon'),
  };
}

/** The global flags that were given, as arguments again: another skiff run for this one reaches the same store. */
export function globalArgs(o: GlobalOptions): string[] {
  const args: string[] = [];
  const add = (flag: string, v: string | undefined) => {
    if (v !== undefined) args.push(`--${flag}`, v);
  };
  add('root', o.root);
  add('runroot', o.runroot);
  add('tmpdir', o.tmpdir);
  add('storage-driver', o.storageDriver);
  for (const opt of o.storageOpts ?? []) add('storage-opt', opt);
  add('runtime', o.runtime);
  add('cgroup-manager', o.cgroupManager);
  add('events-backend', o.eventsBackend);
  add('conmon', o.conmon);
  return args;
}

