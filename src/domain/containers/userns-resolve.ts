/**
 * A container's user namespace request turned into the mappings it gets, at create: the
 * subordinate ranges looked up, `auto` given a free range, everything checked, and the
 * host ranges recorded (userns-allocations.ts). Root's host ids are real ids; a rootless
 * user's are ids of skiff's namespace, whose map this process has.
 */
import { readFileSync, statSync } from 'node:fs';
import { InvalidArgumentError } from '../../define/errors.ts';
import type { IdMapping } from '../../infra/oci/runtime-spec.ts';
import { parseMapText, readNamespaceMappings } from '../../infra/rootless/idmap-userns.ts';
import { keepIdMappings, namespaceIdentity } from '../../infra/rootless/keep-id.ts';
import { readSubids } from '../../infra/rootless/subids.ts';
import type { StateDb } from '../../infra/state/db.ts';
import { recordUsernsRanges } from './userns-allocations.ts';
import {
  allocateAutoMappings, autoNamespaceSize, checkMappings, hostRangesInNamespace, nomapMappings, subidMappings, type IdMappings, type Interval,
} from './userns-mappings.ts';
import type { UsernsRequest } from './userns-options.ts';

export interface UsernsContext {
  rootless: boolean;
  db: StateDb;
  containerId: string;
  /** the highest uid/gid the image uses, +1: asked only for `auto` without `size=` */
  imageIdSize: () => number;
  /** storage.conf: root-auto-userns-user (default "containers"), auto-userns-min-size, auto-userns-max-size */
  autoUser?: string | undefined;
  autoMinSize?: number | undefined;
  autoMaxSize?: number | undefined;
  warn?: ((message: string) => void) | undefined;
}

const subidFile = (kind: 'uid' | 'gid') => (kind === 'uid' ? '/etc/subuid' : '/etc/subgid');

/** The mappings the container gets (undefined: none of its own), recorded for later `auto` allocations. */
export function resolveUsernsMappings(req: UsernsRequest, ctx: UsernsContext): IdMappings | undefined {
  switch (req.kind) {
    case 'host':
    case 'container':
      // Joining another container's namespace: the engine copies that container's mappings.
      return undefined;
    case 'path':
      try {
        statSync(req.path);
      } catch (err) {
        throw new InvalidArgumentError(`cannot find specified user namespace path: stat ${req.path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
      }
      // Not recorded: the ranges are the namespace owner's. Known, so the root file system can be owned to match.
      return readNamespaceMappings(req.path);
    case 'keep-id': {
      const ident = namespaceIdentity();
      const maps = { uidMap: keepIdMappings(req.uid ?? ident.uid, ident.uidCount), gidMap: keepIdMappings(req.gid ?? ident.gid, ident.gidCount) };
      return recordUsernsRanges(ctx.db, ctx.containerId, () => maps);
    }
    case 'nomap': {
      const ident = namespaceIdentity();
      return recordUsernsRanges(ctx.db, ctx.containerId, () => ({ uidMap: nomapMappings(ident.uidCount), gidMap: nomapMappings(ident.gidCount) }));
    }
    case 'maps': {
      const maps = { uidMap: [...subordinate(req.subuidName, 'uid', ctx), ...req.uidMappings], gidMap: [...subordinate(req.subgidName, 'gid', ctx), ...req.gidMappings] };
      checkMappings(maps);
      return recordUsernsRanges(ctx.db, ctx.containerId, () => maps);
    }
    case 'auto':
      return autoMappings(req, ctx);
  }
}

/** The ranges /etc/sub[ug]id gives `name`, from container id 0 (rootless: as skiff's namespace sees them). */
function subordinate(name: string | undefined, kind: 'uid' | 'gid', ctx: UsernsContext): IdMapping[] {
  if (!name) return [];
  const file = subidFile(kind);
  const ranges = readSubids(file, { name, uid: Number.NaN });
  if (ranges.length === 0) throw new InvalidArgumentError(`no sub${kind} ranges found for ${kind === 'uid' ? 'user' : 'group'} ${JSON.stringify(name)} in ${file}`);
  const maps = subidMappings(ranges);
  return ctx.rootless ? hostRangesInNamespace(maps, parseMapText(readFileSync(`/proc/self/${kind}_map`, 'utf8')), kind === 'uid' ? 'UID' : 'GID') : maps;
}

/** The ids `auto` may hand out: root, the auto user's subordinate ranges; rootless, skiff's namespace but 0 (the user). */
function availableIds(kind: 'uid' | 'gid', ctx: UsernsContext): Interval[] {
  if (ctx.rootless) {
    const ident = namespaceIdentity();
    return [{ start: 1, end: kind === 'uid' ? ident.uidCount : ident.gidCount }];
  }
  const user = ctx.autoUser || 'containers';
  const file = subidFile(kind);
  const ranges = readSubids(file, { name: user, uid: Number.NaN });
  if (ranges.length === 0) ctx.warn?.(`Cannot find mappings for user ${JSON.stringify(user)}: no sub${kind} ranges found for user ${JSON.stringify(user)} in ${file}`);
  return ranges.map((r) => ({ start: r.start, end: r.start + r.count }));
}

function autoMappings(req: Extract<UsernsRequest, { kind: 'auto' }>, ctx: UsernsContext): IdMappings {
  const uids = availableIds('uid', ctx);
  const gids = availableIds('gid', ctx);
  const size = autoNamespaceSize({ requested: req.size, fromImage: req.size ? 0 : ctx.imageIdSize(), min: ctx.autoMinSize, max: ctx.autoMaxSize });
  return recordUsernsRanges(ctx.db, ctx.containerId, (used) => ({
    uidMap: allocateAutoMappings({ size, available: uids, used: used.uidMap, additional: req.uidMappings }),
    gidMap: allocateAutoMappings({ size, available: gids, used: used.gidMap, additional: req.gidMappings }),
  }));
}
