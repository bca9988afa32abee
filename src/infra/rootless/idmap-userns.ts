/**
 * User namespaces skiff makes or reads for a container's mappings: one mapped as asked
 * (to idmap mounts with, idmap-mount.ts), and the mappings of one a container joins
 * (`--userns=ns:PATH`), so its root file system can be owned to match.
 */
import { openSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, ProgramFailedError } from '../../define/errors.ts';
import type { IdMapping } from '../oci/runtime-spec.ts';
import { SyscallError } from '../sys/libc.ts';
import { requireProgram } from './program-path.ts';

export interface NamespaceMappings {
  uidMap: IdMapping[];
  gidMap: IdMapping[];
}

function mapText(maps: readonly IdMapping[]): string {
  return maps.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * An open descriptor of a new user namespace mapped as `maps` say (container ids inside,
 * host ids outside). A helper process (`unshare --user sleep`) creates it; this process
 * writes its maps, which it may as root of the parent namespace, opens it, and kills it.
 */
export function openMappedUserNamespace(maps: NamespaceMappings): number {
  const unshare = requireProgram('unshare', 'util-linux');
  const child = process.getBuiltinModule('node:child_process').spawn(unshare, ['--user', '--', 'sleep', 'infinity'], { stdio: 'ignore' });
  const pid = child.pid;
  try {
    if (!pid) throw new ProgramFailedError('unshare', null, 'could not be started');
    const own = readlinkSync('/proc/self/ns/user');
    for (let waited = 0; ; waited++) {
      if (readlinkSync(`/proc/${pid}/ns/user`) !== own && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep') break;
      if (waited > 5000) throw new ProgramFailedError('unshare', null, 'did not create a user namespace in time');
      sleepMs(1);
    }
    writeMap(`/proc/${pid}/uid_map`, maps.uidMap);
    writeMap(`/proc/${pid}/gid_map`, maps.gidMap);
    return openSync(`/proc/${pid}/ns/user`, 'r');
  } finally {
    child.kill('SIGKILL');
    child.unref();
  }
}

function writeMap(file: string, maps: readonly IdMapping[]): void {
  try {
    writeFileSync(file, mapText(maps));
  } catch (err) {
    throw new SyscallError('write', Math.abs((err as NodeJS.ErrnoException).errno ?? 22), file);
  }
}

/** /proc/PID/uid_map text as mappings. */
export function parseMapText(text: string): IdMapping[] {
  return text
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const [containerID, hostID, size] = line.trim().split(/\s+/).map(Number);
      return { containerID: containerID!, hostID: hostID!, size: size! };
    });
}

/**
 * The mappings of the user namespace at `path` (a /proc/PID/ns/user or a bind mount of
 * one), in this process's ids: read from inside it, where a map shows the parent's ids.
 */
export function readNamespaceMappings(path: string): NamespaceMappings {
  const nsenter = requireProgram('nsenter', 'util-linux');
  const r = process.getBuiltinModule('node:child_process').spawnSync(nsenter, [`--user=${path}`, '--preserve-credentials', '--', 'sh', '-c', 'cat /proc/self/uid_map; echo -; cat /proc/self/gid_map'], { encoding: 'utf8' });
  if (r.status !== 0) throw new InvalidArgumentError(`cannot join the user namespace ${path}: ${(r.stderr || String(r.error ?? '')).trim()}`);
  const [uids = '', gids = ''] = r.stdout.split('\n-\n');
  return { uidMap: parseMapText(uids), gidMap: parseMapText(gids) };
}
