/**
 * `commit` and `export`: a container's changes as a new image, or its whole file system as
 * a tar stream.
 */
import path from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { commitImage } from '../../domain/containers/commit/commit-image.ts';
import { parseImageConfig } from '../../domain/images/image-config.ts';
import { normalizeLocalName } from '../../domain/images/names.ts';
import { withoutSecretEnv } from '../../domain/secrets/secret.ts';
import { isRootless } from '../../infra/config/paths.ts';
import { tarDirectory } from '../../infra/storage/layer/tar-dir.ts';
import type { ContainerEngine } from '../container-engine.ts';
import { containerOwnerMap } from '../keep-id-rootfs.ts';
import { readBundleSpec } from './container-fs.ts';

export interface ContainerCommitOptions {
  /** the new image's name; none leaves it untagged */
  reference?: string | undefined;
  author?: string | undefined;
  message?: string | undefined;
  changes?: string[];
  format?: 'oci' | 'docker';
  /** pause a running container meanwhile */
  pause?: boolean;
}

function imageEnv(config: Buffer | undefined): string[] | undefined {
  return config ? parseImageConfig(config).config?.Env : undefined;
}

/**
 * The environment as created, without what the start adds per run (HOSTNAME, and HOME from
 * the user's passwd entry): Podman commits the create-time environment.
 */
function committedEnv(env: readonly string[], asked: readonly string[]): string[] {
  const keys = new Set(asked.map((e) => e.split('=')[0]));
  return env.filter((e) => {
    const key = e.split('=')[0]!;
    return (key !== 'HOSTNAME' && key !== 'HOME') || keys.has(key);
  });
}

/** Returns the new image's ID. */
export async function commitContainer(ce: ContainerEngine, nameOrId: string, opts: ContainerCommitOptions = {}): Promise<string> {
  const name = opts.reference ? normalizeLocalName(opts.reference) : undefined;
  const id = ce.lookup(nameOrId).config.id;
  return ce.withLock(id, async () => {
    const rec = await ce.sync(id);
    const { config } = rec;
    const spec = readBundleSpec(ce, id);
    const image = ce.engine.store.images.get(config.imageId);
    const runtime = ce.runtimeFor(config);
    const pause = opts.pause === true && rec.state.status === 'running';
    if (pause) await runtime.pause(id);
    try {
      const img = await commitImage(ce.engine.store, {
        source: {
          id,
          imageName: image?.names[0] ?? config.imageName,
          imageId: config.imageId,
          entrypoint: config.entrypoint,
          command: config.command,
          // an env secret's value must never end up in an image
          env: committedEnv(withoutSecretEnv(spec?.process?.env ?? config.env, config.secrets), [...config.env, ...(imageEnv(image?.config) ?? [])]),
          workingDir: spec?.process?.cwd ?? config.workingDir,
          user: config.user,
          labels: config.labels,
          ports: config.ports,
          exposedPorts: config.exposedPorts,
        },
        upperDir: path.join(ce.containerDir(id), 'diff'),
        whiteoutFormat: isRootless() ? 'overlay-user' : 'overlay-root',
        mapOwner: containerOwnerMap(config),
        name,
        format: opts.format ?? 'oci',
        changes: opts.changes ?? [],
        author: opts.author,
        message: opts.message,
      });
      await ce.engine.events.container(config, 'commit');
      return img.id;
    } finally {
      if (pause) await runtime.resume(id);
    }
  });
}

/** `export`: the container's root file system (image and changes, without its mounts) as a tar stream. */
export async function exportContainer(ce: ContainerEngine, nameOrId: string, out: Writable): Promise<void> {
  const id = ce.lookup(nameOrId).config.id;
  await ce.withLock(id, async () => {
    await ce.sync(id);
    const root = ce.mountRootfs(id);
    try {
      await pipeline(tarDirectory(root, { mapOwner: containerOwnerMap(ce.lookup(id).config) }), out, { end: false });
    } finally {
      ce.unmountRootfs(id);
    }
  });
  await ce.engine.events.container(ce.lookup(id).config, 'export');
}
