/**
 * conmon's exit command, made to step aside for an attached skiff. A foreground `run` (or
 * `start -a`, `attach`) waits for the exit itself and cleans up at once; the exit command
 * conmon starts at the same moment would be a second skiff doing nothing but competing for
 * the CPU. So the attached skiff holds a claim file locked (flock) while it owns the cleanup
 * and removes the file once done; the exit command, a few lines of sh, waits for that lock
 * and then runs the real cleanup only when the claim is still there: no attached skiff ever
 * held it, or one died (even by kill -9, which drops the lock) before finishing.
 */
import { existsSync } from 'node:fs';

const flockProgram = '/usr/bin/flock';

/**
 * How long the exit command waits for the attached skiff before cleaning up regardless. The
 * wait must end: conmon waits for its exit command, and when conmon could not write the exit
 * file (a full disk), the attached skiff waits for conmon. The cleanup is idempotent and takes
 * the container's lock, so running it beside a slow owner is harmless.
 */
const claimWaitSeconds = 10;

/**
 * $1 the claim file, $0 flock; the rest the cleanup command. A constant: nothing here is user
 * input. The claim is opened without O_CREAT (flock FILE would make a new one after its owner
 * removed it, and the cleanup would then run for nothing): a claim gone by then means done.
 */
const script = `if [ -e "$1" ]; then { "$0" -w ${claimWaitSeconds} 9; } 9<"$1" 2>/dev/null; [ -e "$1" ] || exit 0; rm -f "$1"; fi; shift; exec "$@"`;

/** `command` behind the claim check; `command` itself where util-linux's flock is missing. */
export function deferringExitCommand(claimFile: string, command: readonly string[]): string[] {
  if (!existsSync(flockProgram)) return [...command];
  return ['/bin/sh', '-c', script, flockProgram, claimFile, ...command];
}
