/**
 * The process of an `exec` session (Podman's prepareProcessExec): the container's own
 * process with the session's command, terminal, working directory, extra environment and,
 * when `--user` is given, that user.
 */
import type { Process } from '../../../infra/oci/runtime-spec.ts';
import { applyEnvEntries } from './process-config.ts';
import type { ResolvedUser } from './user.ts';

export interface ExecProcessInput {
  /** config.json's process of the running container */
  base: Process;
  args: readonly string[];
  terminal: boolean;
  /** `-e` entries, over the container's environment */
  env?: readonly string[];
  hostEnv?: Readonly<Record<string, string | undefined>>;
  /** `--workdir` */
  workdir?: string;
  /** `--user`, resolved against the container's root; undefined runs as the container's user */
  user?: ResolvedUser;
  /** `--privileged`: every capability of the caller's bounding set */
  privilegedCaps?: readonly string[];
}

export function execProcess(input: ExecProcessInput): Process {
  const base = structuredClone(input.base);
  const env = new Map<string, string>();
  applyEnvEntries(env, base.env ?? [], {});
  applyEnvEntries(env, input.env ?? [], input.hostEnv ?? {});
  const proc: Process = { ...base, args: [...input.args], terminal: input.terminal, cwd: input.workdir || base.cwd };
  const bounding = input.privilegedCaps ? [...input.privilegedCaps].sort() : (base.capabilities?.bounding ?? []);
  if (input.user) {
    proc.user = { ...base.user, uid: input.user.uid, gid: input.user.gid, additionalGids: input.user.additionalGids };
    if (input.user.home && !env.has('HOME')) env.set('HOME', input.user.home);
  }
  // Root holds the whole bounding set; anyone else only what was explicitly added (ambient).
  const held = proc.user.uid === 0 ? bounding : (base.capabilities?.ambient ?? []);
  proc.capabilities = { bounding, effective: held, permitted: held, ...(proc.user.uid === 0 ? {} : { inheritable: held, ambient: held }) };
  proc.env = [...env].map(([k, v]) => `${k}=${v}`);
  return proc;
}
