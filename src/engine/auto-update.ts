/**
 * `auto-update`: running containers labelled `io.containers.autoupdate` are checked against
 * their image, as Podman 4.3 does. `registry` (or `image`) compares the local image's
 * manifest digest with the registry's for the container's fully qualified image name;
 * `local` compares the container's image with the image of that name in the store. An
 * update pulls (registry) and restarts the systemd unit the container runs in (its
 * PODMAN_SYSTEMD_UNIT label, recorded when a unit made by `generate systemd` created it);
 * a failed restart is rolled back to the previous image and restarted again.
 */
import { SkiffError } from '../define/errors.ts';
import { findImage } from '../domain/images/resolve.ts';
import { loadRegistriesConf } from '../infra/config/registries-conf.ts';
import { isRootless } from '../infra/config/paths.ts';
import { parseReference, type ImageReference } from '../infra/image/reference.ts';
import type { RegistryAccessOptions } from '../infra/registry/connect.ts';
import { runProgram } from '../infra/sys/process.ts';
import type { Engine } from './engine.ts';

export const autoUpdateLabel = 'io.containers.autoupdate';
export const systemdUnitLabel = 'PODMAN_SYSTEMD_UNIT';

export interface AutoUpdateReport {
  Unit: string;
  ContainerID: string;
  ContainerName: string;
  /** `<id12> (<name>)` */
  Container: string;
  Image: string;
  Policy: string;
  /** true, false, pending (dry run), failed, rolled back */
  Updated: string;
}

export interface AutoUpdateOptions extends RegistryAccessOptions {
  dryRun?: boolean;
  rollback?: boolean;
  /** restarts a unit; default `systemctl [--user] restart UNIT` */
  restartUnit?: (unit: string) => Promise<void>;
}

/** The reference when `name` names its registry itself (a first part with `.` or `:`, or localhost). */
function fullyQualified(name: string): ImageReference | undefined {
  const [first, ...rest] = name.split('/');
  if (rest.length === 0 || !(first!.includes('.') || first!.includes(':') || first === 'localhost')) return undefined;
  try {
    return parseReference(name);
  } catch {
    return undefined;
  }
}

async function systemctlRestart(unit: string): Promise<void> {
  await runProgram('systemctl', [...(isRootless() ? ['--user'] : []), 'restart', unit], { debianPackage: 'systemd' });
}

export async function autoUpdate(engine: Engine, opts: AutoUpdateOptions = {}): Promise<{ reports: AutoUpdateReport[]; errors: Error[] }> {
  const restart = opts.restartUnit ?? systemctlRestart;
  const reports: AutoUpdateReport[] = [];
  const errors: Error[] = [];
  const { reconcile } = await import('./container-list.ts');
  const labelled = engine.containers.list().filter((r) => r.config.labels[autoUpdateLabel] !== undefined && r.config.labels[autoUpdateLabel] !== 'disabled');
  // only running containers: a unit that is not running has nothing to restart
  const candidates = (await reconcile(engine.containers, labelled)).filter((r) => r.state.status === 'running');
  for (const rec of candidates) {
    const c = rec.config;
    const raw = c.labels[autoUpdateLabel]!;
    const policy = raw === 'image' ? 'registry' : raw;
    const fail = (why: string) => errors.push(new SkiffError(`auto-updating container "${c.id}": ${why}`));
    if (policy !== 'registry' && policy !== 'local') {
      fail(`invalid auto-update policy "${raw}"`);
      continue;
    }
    const unit = c.labels[systemdUnitLabel];
    if (!unit) {
      fail(`no ${systemdUnitLabel} label found`);
      continue;
    }
    const report = (updated: string): AutoUpdateReport => ({ Unit: unit, ContainerID: c.id, ContainerName: c.name, Container: `${c.id.slice(0, 12)} (${c.name})`, Image: c.imageName, Policy: policy, Updated: updated });
    try {
      let needed: boolean;
      if (policy === 'registry') {
        const ref = fullyQualified(c.imageName);
        if (!ref) {
          fail(`raw-image name "${c.imageName}" is not a fully-qualified image reference`);
          continue;
        }
        const { remoteInstanceDigest } = await import('../domain/images/pull/pull-image.ts');
        const remote = await remoteInstanceDigest(ref, loadRegistriesConf(), opts);
        const local = engine.store.images.get(c.imageId);
        needed = !local || (local.digest !== remote && !local.digests.includes(remote));
      } else {
        const local = findImage(engine.store.images, c.imageName);
        needed = local !== undefined && local.id !== c.imageId;
      }
      if (!needed) {
        reports.push(report('false'));
        continue;
      }
      if (opts.dryRun) {
        reports.push(report('pending'));
        continue;
      }
      if (policy === 'registry') await engine.images.pull(c.imageName, opts);
      try {
        await restart(unit);
        reports.push(report('true'));
      } catch (err) {
        if (opts.rollback === false) throw err;
        // the name back on the image the container ran, and the unit started on it again
        await engine.images.tag(c.imageId, [c.imageName]);
        await restart(unit);
        reports.push(report('rolled back'));
      }
    } catch (err) {
      reports.push(report('failed'));
      errors.push(err as Error);
    }
  }
  return { reports, errors };
}
