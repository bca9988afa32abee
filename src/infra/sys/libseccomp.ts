/**
 * libseccomp, bound through koffi, to compile an OCI `linux.seccomp` section into the BPF
 * program the kernel loads. crun does exactly this at every `crun create` (~20 ms of its
 * ~35 ms here); skiff compiles a profile once and hands crun the result (see
 * ../oci/seccomp-bpf-cache.ts). The translation follows crun's own, rule for rule, so the
 * program is the one crun would have made: the tests compare the two byte for byte.
 */
import type { Seccomp, SeccompAction, SeccompOperator } from '../oci/runtime-spec.ts';
import { readFileSync } from 'node:fs';
import { koffi } from './libc.ts';

interface LibSeccomp {
  init(defaultAction: number): unknown;
  archResolveName(name: string): number;
  archAdd(ctx: unknown, arch: number): number;
  syscallResolveName(name: string): number;
  ruleAddArray(ctx: unknown, action: number, syscall: number, count: number, args: Buffer): number;
  exportBpf(ctx: unknown, fd: number): number;
  release(ctx: unknown): void;
}

let bound: LibSeccomp | undefined;

function lib(): LibSeccomp {
  if (!bound) {
    const so = koffi().load('libseccomp.so.2');
    bound = {
      init: so.func('void *seccomp_init(uint32_t def_action)') as LibSeccomp['init'],
      archResolveName: so.func('uint32_t seccomp_arch_resolve_name(const char *name)') as LibSeccomp['archResolveName'],
      archAdd: so.func('int seccomp_arch_add(void *ctx, uint32_t arch_token)') as LibSeccomp['archAdd'],
      syscallResolveName: so.func('int seccomp_syscall_resolve_name(const char *name)') as LibSeccomp['syscallResolveName'],
      ruleAddArray: so.func('int seccomp_rule_add_array(void *ctx, uint32_t action, int syscall, unsigned int arg_cnt, const void *arg_array)') as LibSeccomp['ruleAddArray'],
      exportBpf: so.func('int seccomp_export_bpf(void *ctx, int fd)') as LibSeccomp['exportBpf'],
      release: so.func('void seccomp_release(void *ctx)') as LibSeccomp['release'],
    };
  }
  return bound;
}

const EPERM = 1;
/** __NR_SCMP_ERROR: what seccomp_syscall_resolve_name returns for a name it does not know. */
const unknownSyscall = -1;

/** libseccomp's action value, or undefined for one only the runtime can set up (notify). */
function actionValue(action: SeccompAction, errno: number): number | undefined {
  switch (action) {
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD':
      return 0;
    case 'SCMP_ACT_KILL_PROCESS':
      return 0x80000000;
    case 'SCMP_ACT_TRAP':
      return 0x00030000;
    case 'SCMP_ACT_ERRNO':
      return 0x00050000 | (errno & 0xffff);
    case 'SCMP_ACT_TRACE':
      return 0x7ff00000 | (errno & 0xffff);
    case 'SCMP_ACT_LOG':
      return 0x7ffc0000;
    case 'SCMP_ACT_ALLOW':
      return 0x7fff0000;
    default:
      return undefined;
  }
}

const operators: Record<SeccompOperator, number> = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
};

/** struct scmp_arg_cmp { unsigned int arg; enum scmp_compare op; uint64 datum_a, datum_b; } */
const argCmpSize = 24;

function argCmps(args: readonly { index: number; op: SeccompOperator; value: number; valueTwo?: number }[]): Buffer {
  const buf = Buffer.alloc(argCmpSize * args.length);
  args.forEach((a, i) => {
    const at = i * argCmpSize;
    buf.writeUInt32LE(a.index, at);
    buf.writeInt32LE(operators[a.op], at + 4);
    buf.writeBigUInt64LE(BigInt(a.value), at + 8);
    buf.writeBigUInt64LE(BigInt(a.valueTwo ?? 0), at + 16);
  });
  return buf;
}

/** Why a section is left for the runtime to compile: features only the runtime can set up. */
export function seccompNeedsRuntime(seccomp: Seccomp): boolean {
  if (seccomp.listenerPath) return true;
  if (actionValue(seccomp.defaultAction, 0) === undefined) return true;
  for (const s of seccomp.syscalls ?? []) {
    if (actionValue(s.action, 0) === undefined) return true;
    if ((s.args ?? []).some((a) => a.index >= 6 || !(a.op in operators))) return true;
  }
  return false;
}

/**
 * Writes the BPF program for `seccomp` to `fd`. Syscall names this libseccomp does not know
 * are skipped, as crun skips them (with a warning).
 */
export function writeSeccompBpf(seccomp: Seccomp, fd: number): void {
  if (seccompNeedsRuntime(seccomp)) throw new Error('the profile needs the runtime (notify or listener)');
  const l = lib();
  const defaultAction = actionValue(seccomp.defaultAction, seccomp.defaultErrnoRet ?? EPERM)!;
  const ctx = l.init(defaultAction);
  if (!ctx) throw new Error('seccomp_init failed');
  try {
    for (const arch of seccomp.architectures ?? []) {
      const token = l.archResolveName(arch.replace(/^SCMP_ARCH_/, '').toLowerCase());
      if (token === 0) throw new Error(`unknown seccomp architecture ${arch}`);
      const ret = l.archAdd(ctx, token);
      // -EEXIST: the native architecture is in every new filter already
      if (ret < 0 && ret !== -17) throw new Error(`seccomp_arch_add ${arch}: errno ${-ret}`);
    }
    for (const rule of seccomp.syscalls ?? []) {
      const action = actionValue(rule.action, rule.errnoRet ?? EPERM)!;
      if (action === defaultAction) continue;
      const args = rule.args ?? [];
      // Two conditions on one argument cannot hold at once in one libseccomp rule: crun
      // then adds one rule per condition, so any of them matches.
      const seen = new Set<number>();
      const repeated = args.some((a) => seen.size === seen.add(a.index).size);
      const groups = repeated ? args.map((a) => [a]) : [args];
      for (const name of rule.names) {
        const nr = l.syscallResolveName(name);
        if (nr === unknownSyscall) continue;
        for (const group of groups) {
          const ret = l.ruleAddArray(ctx, action, nr, group.length, argCmps(group));
          if (ret < 0) throw new Error(`seccomp_rule_add ${name}: errno ${-ret}`);
        }
      }
    }
    const ret = l.exportBpf(ctx, fd);
    if (ret < 0) throw new Error(`seccomp_export_bpf: errno ${-ret}`);
  } finally {
    l.release(ctx);
  }
}

/** The libseccomp file this process loaded, from /proc/self/maps; undefined before loading. */
export function loadedLibseccompFile(): string | undefined {
  if (!bound) return undefined;
  for (const line of readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    const at = line.indexOf('/');
    if (at >= 0 && line.includes('/libseccomp.so', at)) return line.slice(at);
  }
  return undefined;
}
