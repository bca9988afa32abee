/**
 * `container clone`: a new container with the original's configuration (Podman's
 * `<name>-clone`, `-clone1`, … unless named), fresh anonymous volumes and an empty writable
 * layer, limits overridden as asked, another image if given; then, if asked, the original
 * goes and the clone starts.
 */
import path from 'node:path';
import { InvalidArgumentError, NameInUseError } from '../define/errors.ts';
import type { ContainerConfig } from '../domain/containers/model.ts';
import { nowRfc3339 } from '../domain/containers/timestamps.ts';
import { randomId } from '../infra/storage/ids.ts';
import type { ContainerEngine } from './container-engine.ts';
import { mergedResources, type ContainerUpdateOptions } from './container-ops/settings.ts';
import { storeContainer } from './container-create.ts';

export interface ContainerCloneOptions {
  name?: string;
  /** another image for the clone */
  image?: string;
  /** limits replacing the original's, as `update` takes them */
  resources?: ContainerUpdateOptions;
  /** remove the original (`force`: even running) */
  destroy?: boolean;
  force?: boolean;
  /** start the clone */
  run?: boolean;
}

function cloneName(original: string, taken: (n: string) => boolean): string {
  for (let i = 0; ; i++) {
    const name = `${original}-clone${i === 0 ? '' : i}`;
    if (!taken(name)) return name;
  }
}

export async function cloneContainer(ce: ContainerEngine, nameOrId: string, opts: ContainerCloneOptions = {}): Promise<string> {
  const o = ce.lookup(nameOrId).config;
  if (o.namespaces.user.startsWith('auto')) throw new InvalidArgumentError('cloning a container with --userns=auto is not supported: create it again');
  const name = opts.name ?? cloneName(o.name, (n) => ce.repo.nameTaken(n) !== undefined);
  const holder = ce.repo.nameTaken(name);
  if (holder) throw new NameInUseError(`creating container storage: the container name "${name}" is already in use by ${holder}. You have to remove that container to be able to reuse that name: that name is already in use`);
  const id = randomId();
  const image = opts.image === undefined ? undefined : await ce.engine.images.ensureImage(opts.image, 'missing', {});
  const volumes = new Map(o.anonymousVolumes.map((v) => [v, randomId()]));
  const ownLog = o.logPath === path.join(ce.userdataDir(o.id), 'ctr.log');
  const config: ContainerConfig = {
    ...o,
    id,
    name,
    created: nowRfc3339(),
    ...(image ? { imageId: image.id, imageName: image.names[0] ?? image.id, imageDigest: image.digest } : {}),
    hostname: o.hostname === o.id.slice(0, 12) ? id.slice(0, 12) : o.hostname,
    logPath: ownLog ? path.join(ce.userdataDir(id), 'ctr.log') : o.logPath,
    mounts: o.mounts.map((m) => (m.name && volumes.has(m.name) ? { ...m, name: volumes.get(m.name)! } : m)),
    anonymousVolumes: [...volumes.values()],
    // files named for the original would be overwritten by the clone
    cidFile: '',
    pidFile: '',
    conmonPidFile: '',
    resources: mergedResources(o.resources, opts.resources ?? {}),
  };
  await storeContainer(ce, config, { explicitPidsLimit: o.resources.pidsLimit !== undefined });
  await ce.engine.events.container(config, 'create');
  if (opts.destroy) {
    const [removed] = await ce.remove([o.id], { force: opts.force ?? false, timeout: 10 });
    if (removed?.Err) throw removed.Err;
  }
  if (opts.run) {
    const [started] = await ce.start([id]);
    if (started?.Err) throw started.Err;
  }
  return id;
}
