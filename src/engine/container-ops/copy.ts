/**
 * `cp`: copies between the host and containers (running or not), or between two containers,
 * with the rules of domain/containers/copy/copy.ts.
 */
import type { Readable, Writable } from 'node:stream';
import { InvalidArgumentError } from '../../define/errors.ts';
import type { ContainerRecord } from '../../domain/containers/container-repo.ts';
import type { ContainerFs } from '../../domain/containers/copy/container-path.ts';
import { copyFiles, parseCopyArg, type CopyLocation } from '../../domain/containers/copy/copy.ts';
import type { Owner } from '../../domain/containers/copy/copy-target.ts';
import { resolveUser } from '../../domain/containers/spec/resolve-user.ts';
import type { ContainerEngine } from '../container-engine.ts';
import { containerIdMappings, keepIdUser } from '../keep-id-rootfs.ts';
import { withContainerFs } from './container-fs.ts';

export interface ContainerCopyOptions {
  /** `[CONTAINER:]SRC_PATH` */
  source: string;
  /** `[CONTAINER:]DEST_PATH` */
  destination: string;
  /** chown what goes into a container to its main user (default true) */
  archive?: boolean;
  overwrite?: boolean;
  stdin?: Readable;
  stdout?: Writable;
}

function mainUser(fs: ContainerFs, rec: ContainerRecord): Owner {
  // keep-id without --user runs as the caller's ids, which create did not write into the config.
  const keep = rec.config.user === '' ? keepIdUser(rec.config.namespaces.user) : undefined;
  if (keep) return { uid: keep.uid, gid: keep.gid };
  try {
    const u = resolveUser(fs.root, rec.config.user);
    return { uid: u.uid, gid: u.gid };
  } catch {
    return { uid: 0, gid: 0 };
  }
}

function lookupForCopy(ce: ContainerEngine, name: string): ContainerRecord {
  const rec = ce.repo.find(name);
  if (!rec) throw new InvalidArgumentError(`container "${name}" does not exist`);
  return rec;
}

export async function copyContainerFiles(ce: ContainerEngine, opts: ContainerCopyOptions): Promise<void> {
  const src = parseCopyArg(opts.source);
  const dst = parseCopyArg(opts.destination);
  if (src.path === '' || dst.path === '') throw new InvalidArgumentError(`invalid arguments "${opts.source}", "${opts.destination}" you must specify paths`);
  const names = [src.container, dst.container].filter((c): c is string => c !== undefined);
  if (names.length === 0) throw new InvalidArgumentError('name or ID cannot be empty');
  const records = names.map((n) => lookupForCopy(ce, n));
  const caller = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const options = { archive: opts.archive ?? true, overwrite: opts.overwrite ?? false, caller, stdin: opts.stdin, stdout: opts.stdout };
  const located = (arg: { container: string | undefined; path: string }, fs: ContainerFs | undefined, rec: ContainerRecord | undefined): CopyLocation => {
    if (!arg.container || !fs || !rec) return { kind: 'host', path: arg.path };
    return {
      kind: 'container', container: arg.container, fs, workdir: rec.config.workingDir || '/', path: arg.path, owner: mainUser(fs, rec),
      idMappings: containerIdMappings(rec.config),
    };
  };
  if (records.length === 2) {
    await withContainerFs(ce, records[0]!, (srcFs, srcRec) =>
      withContainerFs(ce, records[1]!, (dstFs, dstRec) => copyFiles(located(src, srcFs, srcRec), located(dst, dstFs, dstRec), options)),
    );
    return;
  }
  await withContainerFs(ce, records[0]!, (fs, rec) =>
    copyFiles(located(src, src.container ? fs : undefined, rec), located(dst, dst.container ? fs : undefined, rec), options),
  );
}
