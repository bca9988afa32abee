/**
 * Host devices for `--device` and `--privileged`, read from the host's /dev (stat only).
 */
import { lstatSync, readdirSync, statSync, type BigIntStats } from 'node:fs';
import { join, posix } from 'node:path';
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { Device } from '../../../infra/oci/runtime-spec.ts';

/** A device for linux.devices plus the cgroup access the container gets to it. */
export interface DeviceInput extends Device {
  /** any of r, w, m */
  access: string;
}

function deviceOf(stats: BigIntStats, containerPath: string, access: string): DeviceInput | undefined {
  const type = stats.isCharacterDevice() ? 'c' : stats.isBlockDevice() ? 'b' : undefined;
  if (!type) return undefined;
  const rdev = stats.rdev;
  // glibc's gnu_dev_major/minor
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return { path: containerPath, type, major, minor, fileMode: Number(stats.mode), uid: Number(stats.uid), gid: Number(stats.gid), access };
}

function statOrThrow(path: string): BigIntStats {
  try {
    return statSync(path, { bigint: true });
  } catch (err) {
    throw new InvalidArgumentError(`stat ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
}

/**
 * `--device HOST[:CONTAINER][:PERMISSIONS]`; a directory brings every device below it. The
 * device file's owner is root in the container, as Podman sets it.
 */
export function resolveDevice(spec: string): DeviceInput[] {
  const parts = spec.split(':');
  const host = parts[0]!;
  let container = host;
  let access = 'rwm';
  if (parts.length === 2) {
    if (/^[rwm]+$/.test(parts[1]!)) access = parts[1]!;
    else container = parts[1]!;
  } else if (parts.length === 3) {
    container = parts[1]!;
    access = parts[2]!;
  } else if (parts.length > 3) {
    throw new InvalidArgumentError(`invalid device specification: ${spec}`);
  }
  if (!/^[rwm]+$/.test(access)) throw new InvalidArgumentError(`invalid device mode: ${access}`);
  if (!posix.isAbsolute(host) || !posix.isAbsolute(container)) throw new InvalidArgumentError(`invalid device specification: ${spec}`);
  const stats = statOrThrow(host);
  if (stats.isDirectory()) {
    return walkDevices(host, container, access, new Set());
  }
  const dev = deviceOf(stats, container, access);
  if (!dev) throw new InvalidArgumentError(`${host} is not a valid device`);
  return [{ ...dev, uid: 0, gid: 0 }];
}

function walkDevices(hostDir: string, containerDir: string, access: string, skipDirs: Set<string>): DeviceInput[] {
  const out: DeviceInput[] = [];
  let entries: string[];
  try {
    entries = readdirSync(hostDir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const hostPath = join(hostDir, name);
    let stats: BigIntStats;
    try {
      stats = lstatSync(hostPath, { bigint: true });
    } catch {
      continue;
    }
    if (stats.isDirectory()) {
      if (!skipDirs.has(name)) out.push(...walkDevices(hostPath, posix.join(containerDir, name), access, skipDirs));
      continue;
    }
    const dev = deviceOf(stats, posix.join(containerDir, name), access);
    if (dev) out.push(dev);
  }
  return out;
}

/** Every device node of the host for `--privileged`, skipping what the runtime provides (runc's GetDevices). */
export function hostDevices(): DeviceInput[] {
  return walkDevices('/dev', '/dev', 'rwm', new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev'])).filter((d) => d.path !== '/dev/console');
}
