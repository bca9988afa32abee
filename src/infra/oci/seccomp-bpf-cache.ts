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
import type { RuntimeSpec, Seccomp } from './runtime-spec.ts';

export const seccompBpfAnnotation = 'run.oci.seccomp_bpf_data';

interface EntryHeader {
  /** the libseccomp file that compiled the program */
  lib: string;
  /** its identity then: inode, size, mtime */
  sig: string;
}

/**
 * An entry is a header line, the section as JSON on one line, then the program: a hit is
 * checked against the whole section, so the name needs no cryptographic hash (node:crypto's
 * first hash costs ~6 ms, more than the rest of this file).
 */
interface Entry {
  header: EntryHeader;
  section: string;
  bpf: Buffer;
}

const sections = new WeakMap<Seccomp, string>();

function sectionText(seccomp: Seccomp): string {
  let text = sections.get(seccomp);
  if (text === undefined) {
    text = JSON.stringify(seccomp);
    sections.set(seccomp, text);
  }
  return text;
}

/** 64 bits of FNV-1a (two 32-bit lanes), as hex: a file name, not a proof of identity. */
function nameFor(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 15);
  }
  return `${process.arch}-${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
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

function parseEntry(data: Buffer): Entry | undefined {
  const end1 = data.indexOf(10);
  const end2 = end1 < 0 ? -1 : data.indexOf(10, end1 + 1);
  if (end2 < 0) return undefined;
  try {
    const header = JSON.parse(data.subarray(0, end1).toString('utf8')) as EntryHeader;
    return { header, section: data.subarray(end1 + 1, end2).toString('utf8'), bpf: data.subarray(end2 + 1) };
  } catch {
    return undefined;
  }
}

function readEntry(file: string, section: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const entry = parseEntry(data);
  if (!entry || entry.section !== section || !isProgram(entry.bpf)) return undefined;
  const { header } = entry;
  if (typeof header.lib !== 'string' || fileSignature(header.lib) !== header.sig) return undefined;
  return entry.bpf;
}

function compileEntry(seccomp: Seccomp, section: string, dir: string, file: string): Buffer {
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
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n${section}\n`), bpf]), { mode: 0o600 });
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
  const section = sectionText(seccomp);
  const file = path.join(dir, nameFor(section));
  let bpf = readEntry(file, section);
  if (!bpf) {
    try {
      bpf = compileEntry(seccomp, section, dir, file);
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
