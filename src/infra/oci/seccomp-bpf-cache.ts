/**
 * Seccomp programs compiled once and reused. crun compiles the container's `linux.seccomp`
 * with libseccomp at every `crun create`, ~20 ms of a ~35 ms create here; given the program
 * in its `run.oci.seccomp_bpf_data` annotation it loads that instead (and still applies the
 * section's flags). Programs live under the run root, so a reboot (new kernel) starts afresh;
 * each entry names the libseccomp file that made it, so an upgraded libseccomp makes a new one.
 *
 * Any failure here only costs speed: the caller leaves the annotation out and crun compiles.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeSeccompBpf, seccompNeedsRuntime, loadedLibseccompFile } from '../sys/libseccomp.ts';
import { randomBytes } from '../sys/random.ts';
import { sha256Hex } from '../storage/ids.ts';
import type { RuntimeSpec, Seccomp } from './runtime-spec.ts';

export const seccompBpfAnnotation = 'run.oci.seccomp_bpf_data';

interface EntryHeader {
  /** the libseccomp file that compiled the program */
  lib: string;
  /** its identity then: inode, size, mtime */
  sig: string;
}

const keys = new WeakMap<Seccomp, string>();

function keyOf(seccomp: Seccomp): string {
  let key = keys.get(seccomp);
  if (key === undefined) {
    key = sha256Hex(`${process.arch}\0${JSON.stringify(seccomp)}`);
    keys.set(seccomp, key);
  }
  return key;
}

function fileSignature(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** A BPF program is whole 8-byte instructions. */
function isProgram(bpf: Buffer): boolean {
  return bpf.length > 0 && bpf.length % 8 === 0;
}

function readEntry(file: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const nl = data.indexOf(10);
  if (nl < 0) return undefined;
  let header: EntryHeader;
  try {
    header = JSON.parse(data.subarray(0, nl).toString('utf8')) as EntryHeader;
  } catch {
    return undefined;
  }
  if (typeof header.lib !== 'string' || fileSignature(header.lib) !== header.sig) return undefined;
  const bpf = data.subarray(nl + 1);
  return isProgram(bpf) ? bpf : undefined;
}

function compileEntry(seccomp: Seccomp, dir: string, file: string): Buffer {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}`);
  try {
    const fd = fs.openSync(tmp, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    try {
      writeSeccompBpf(seccomp, fd);
    } finally {
      fs.closeSync(fd);
    }
    const bpf = fs.readFileSync(tmp);
    const lib = loadedLibseccompFile();
    const sig = lib === undefined ? undefined : fileSignature(lib);
    if (!isProgram(bpf) || lib === undefined || sig === undefined) throw new Error('libseccomp made no program');
    const header: EntryHeader = { lib, sig };
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), bpf]), { mode: 0o600 });
    // rename: a reader sees the old entry or the whole new one, never half of it
    fs.renameSync(tmp, file);
    return bpf;
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * The program for `seccomp`, base64 as the annotation takes it: from `dir` when compiled
 * before, else compiled now and kept. Undefined when the runtime has to compile it itself
 * (notify actions, a listener) or compiling failed.
 */
export function cachedSeccompBpf(seccomp: Seccomp, dir: string): string | undefined {
  if (seccompNeedsRuntime(seccomp)) return undefined;
  const file = path.join(dir, keyOf(seccomp));
  let bpf = readEntry(file);
  if (!bpf) {
    try {
      bpf = compileEntry(seccomp, dir, file);
    } catch {
      return undefined;
    }
  }
  return bpf.toString('base64');
}

/**
 * `spec` with its seccomp program attached for crun, which alone reads the annotation. A
 * spec whose annotations already speak about seccomp (a program of the user's own, or
 * `run.oci.seccomp_fail_unknown_syscall`, which only crun's compiler honours) is left as is.
 */
export function withPrecompiledSeccomp(spec: RuntimeSpec, runtimeName: string, dir: string): RuntimeSpec {
  const seccomp = spec.linux?.seccomp;
  if (runtimeName !== 'crun' || !seccomp) return spec;
  if (Object.keys(spec.annotations ?? {}).some((k) => k.startsWith('run.oci.seccomp'))) return spec;
  const bpf = cachedSeccompBpf(seccomp, dir);
  return bpf === undefined ? spec : { ...spec, annotations: { ...spec.annotations, [seccompBpfAnnotation]: bpf } };
}
