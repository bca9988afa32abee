/**
 * Whether a rootless user may manage cgroups: only on a unified cgroup v2 hierarchy whose
 * own cgroup was delegated to it (systemd's user@.service does that). On cgroup v1 or a
 * hybrid layout it never may, and containers run without limits (as Podman does).
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function cgroupsDelegated(): boolean {
  if (!existsSync('/sys/fs/cgroup/cgroup.controllers')) return false;
  const own = /^0::(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1];
  if (own === undefined) return false;
  try {
    accessSync(join('/sys/fs/cgroup', own, 'cgroup.procs'), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
