/** `kube generate` for containers: their records and images turned into the domain's Pod. */
import fs from 'node:fs';
import { SkiffError } from '../../define/errors.ts';
import { kubePod, kubeService, type KubeContainer } from '../../domain/containers/kube-pod.ts';
import { parseImageConfig } from '../../domain/images/image-config.ts';
import type { ContainerEngine } from '../container-engine.ts';

export interface KubeGenerateOptions {
  service?: boolean;
  now?: Date;
}

/** The objects to print, in order: the Service (with `service`), then the Pod. */
export function kubeObjects(ce: ContainerEngine, namesOrIds: readonly string[], opts: KubeGenerateOptions = {}): Record<string, unknown>[] {
  const containers: KubeContainer[] = namesOrIds.map((n) => {
    const rec = ce.repo.find(n);
    if (!rec) throw new SkiffError(`name or ID "${n}" not found`);
    const img = ce.engine.store.images.get(rec.config.imageId);
    const cfg = img ? (parseImageConfig(img.config).config ?? {}) : {};
    return { config: rec.config, image: { entrypoint: cfg.Entrypoint ?? [], cmd: cfg.Cmd ?? [], env: cfg.Env ?? [], workingDir: cfg.WorkingDir ?? '' } };
  });
  const now = opts.now ?? new Date();
  const isDirectory = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? true;
  const pod = kubePod(containers, now, isDirectory);
  if (!opts.service) return [pod];
  // Kubernetes' NodePort range
  return [kubeService(pod, now, () => 30000 + Math.floor(Math.random() * 2768)), pod];
}
