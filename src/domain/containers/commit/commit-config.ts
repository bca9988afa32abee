/**
 * The image config `commit` writes (Podman's libpod/container_commit.go over Buildah's
 * import builder): the container's image config, overridden by what the container ran with
 * (entrypoint, command, environment, working directory, user, labels, published and exposed
 * ports), then `--change` instructions; one more layer in rootfs and one more history entry.
 */
import type { PortMapping } from '../model.ts';
import { applyChanges } from '../../images/changes.ts';
import type { ContainerConfig as ImageRunConfig, ImageConfig } from '../../images/image-config.ts';

export interface CommitSource {
  id: string;
  /** the image name the container was created from, for the history comment */
  imageName: string;
  /** the parent image's ID, without "sha256:" */
  imageId: string;
  entrypoint: readonly string[];
  command: readonly string[];
  /** the process environment the container runs with */
  env: readonly string[];
  workingDir: string;
  user: string;
  labels: Readonly<Record<string, string>>;
  ports: readonly PortMapping[];
  /** `80/tcp` */
  exposedPorts: readonly string[];
}

export interface CommitConfigOptions {
  format: 'oci' | 'docker';
  changes: readonly string[];
  author?: string | undefined;
  /** `-m`: kept only in the docker format, as Podman does */
  message?: string | undefined;
  /** the new layer's diff ID */
  diffId: string;
  created: string;
}

export function commitConfig(parent: ImageConfig, src: CommitSource, opts: CommitConfigOptions): ImageConfig {
  const cfg: ImageRunConfig = structuredClone(parent.config ?? {});
  if (src.entrypoint.length) cfg.Entrypoint = [...src.entrypoint];
  else delete cfg.Entrypoint;
  if (src.command.length) cfg.Cmd = [...src.command];
  else delete cfg.Cmd;
  if (src.env.length) cfg.Env = [...src.env];
  const ports = [...src.ports.flatMap((p) => Array.from({ length: Math.max(1, p.range) }, (_, i) => `${p.containerPort + i}/${p.protocol}`)), ...src.exposedPorts];
  if (ports.length) cfg.ExposedPorts = { ...(cfg.ExposedPorts ?? {}), ...Object.fromEntries(ports.map((p) => [p.includes('/') ? p : `${p}/tcp`, {}])) };
  if (Object.keys(src.labels).length) cfg.Labels = { ...(cfg.Labels ?? {}), ...src.labels };
  if (src.user) cfg.User = src.user;
  if (src.workingDir) cfg.WorkingDir = src.workingDir;
  const config = applyChanges(cfg, opts.changes);
  const history = [...(parent.history ?? []), {
    created: opts.created,
    created_by: '/bin/sh',
    ...(opts.author ? { author: opts.author } : {}),
    comment: `FROM ${src.imageName}`,
  }];
  const out: ImageConfig = {
    created: opts.created,
    ...(opts.author ? { author: opts.author } : {}),
    architecture: parent.architecture ?? 'amd64',
    ...(parent.variant ? { variant: parent.variant } : {}),
    os: parent.os ?? 'linux',
    config,
    rootfs: { type: 'layers', diff_ids: [...(parent.rootfs?.diff_ids ?? []), opts.diffId] },
    history,
  };
  if (opts.format === 'docker') {
    return {
      ...(opts.message ? { comment: opts.message } : {}),
      ...out,
      container: src.id,
      container_config: config,
      parent: `sha256:${src.imageId}`,
    } as ImageConfig;
  }
  return out;
}
