/**
 * Resource limits (`--ulimit`, containers.conf default_ulimits) for the container process.
 * Podman also asks for RLIMIT_NOFILE and RLIMIT_NPROC of 1048576 when nobody set them; a
 * runtime without CAP_SYS_RESOURCE cannot raise a hard limit, so every request is clamped
 * to the caller's own hard limit (see TESTING.md: Podman 4.3 fails there).
 */
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { Rlimit } from '../../../infra/oci/runtime-spec.ts';

/** Podman's define.RLimitDefaultValue. */
export const defaultNofileNproc = 1048576;

const ulimitTypes: Record<string, string> = {
  core: 'RLIMIT_CORE',
  cpu: 'RLIMIT_CPU',
  data: 'RLIMIT_DATA',
  fsize: 'RLIMIT_FSIZE',
  locks: 'RLIMIT_LOCKS',
  memlock: 'RLIMIT_MEMLOCK',
  msgqueue: 'RLIMIT_MSGQUEUE',
  nice: 'RLIMIT_NICE',
  nofile: 'RLIMIT_NOFILE',
  nproc: 'RLIMIT_NPROC',
  rss: 'RLIMIT_RSS',
  rtprio: 'RLIMIT_RTPRIO',
  rttime: 'RLIMIT_RTTIME',
  sigpending: 'RLIMIT_SIGPENDING',
  stack: 'RLIMIT_STACK',
};

/** A limit pair; Infinity stands for RLIM_INFINITY (formatSpec writes it as 2^64-1). */
export interface LimitPair {
  soft: number;
  hard: number;
}

function parseValue(text: string, spec: string): number {
  if (!/^-?\d+$/.test(text)) throw new InvalidArgumentError(`invalid ulimit argument: ${spec}`);
  const n = Number(text);
  return n === -1 ? Infinity : n;
}

/** `nofile=1024:2048`, `core=-1` → `{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 }`. */
export function parseUlimit(spec: string): Rlimit {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`invalid ulimit argument: ${spec}`);
  const name = spec.slice(0, eq).toLowerCase();
  const type = ulimitTypes[name];
  if (!type) throw new InvalidArgumentError(`invalid ulimit type: ${name}`);
  const [softText, hardText, extra] = spec.slice(eq + 1).split(':');
  if (extra !== undefined || softText === undefined || softText === '') throw new InvalidArgumentError(`invalid ulimit argument: ${spec}`);
  const soft = parseValue(softText, spec);
  const hard = hardText === undefined ? soft : parseValue(hardText, spec);
  if (soft > hard) throw new InvalidArgumentError(`ulimit soft limit must be less than or equal to hard limit: ${softText} > ${hardText}`);
  return { type, soft, hard };
}

export interface RlimitInput {
  /** `--ulimit` values; `host` copies every limit of the caller */
  ulimits: readonly string[];
  /** containers.conf default_ulimits, used only when no `--ulimit` was given */
  defaultUlimits: readonly string[];
  /** the caller's limits by RLIMIT_* name */
  callerLimits: Readonly<Record<string, LimitPair>>;
}

/** The process's rlimits, none above what the caller itself may have. */
export function processRlimits(input: RlimitInput): Rlimit[] {
  const requested = new Map<string, Rlimit>();
  const specs = input.ulimits.length > 0 ? input.ulimits : input.defaultUlimits;
  for (const spec of specs) {
    if (spec === 'host') {
      for (const [type, l] of Object.entries(input.callerLimits)) requested.set(type, { type, soft: l.soft, hard: l.hard });
      continue;
    }
    const r = parseUlimit(spec);
    requested.set(r.type, r);
  }
  for (const type of ['RLIMIT_NOFILE', 'RLIMIT_NPROC']) {
    if (!requested.has(type)) requested.set(type, { type, soft: defaultNofileNproc, hard: defaultNofileNproc });
  }
  return [...requested.values()].map((r) => clampRlimit(r, input.callerLimits[r.type]));
}

/** Lowers a request to the caller's hard limit (soft never above hard). */
export function clampRlimit(r: Rlimit, caller: LimitPair | undefined): Rlimit {
  if (!caller) return r;
  const hard = Math.min(r.hard, caller.hard);
  return { type: r.type, soft: Math.min(r.soft, hard), hard };
}
