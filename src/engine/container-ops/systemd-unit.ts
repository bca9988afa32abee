/** `generate systemd` for a container: its record turned into the domain's unit input. */
import path from 'node:path';
import { NoSuchContainerError, SkiffError } from '../../define/errors.ts';
import { containerUnit, type Unit, type UnitOptions } from '../../domain/containers/systemd-unit.ts';
import type { ContainerEngine } from '../container-engine.ts';

export function containerSystemdUnit(ce: ContainerEngine, nameOrId: string, opts: UnitOptions): Unit {
  let rec;
  try {
    rec = ce.lookup(nameOrId);
  } catch (err) {
    // skiff has no pods; the message is Podman's, which looks for both
    if (err instanceof NoSuchContainerError) throw new SkiffError(`${nameOrId} does not refer to a container or pod: no pod with name or ID ${nameOrId} found: no such pod: ${err.message}`, { cause: err });
    throw err;
  }
  const c = rec.config;
  return containerUnit(
    {
      id: c.id,
      name: c.name,
      createCommand: c.createCommand,
      stopTimeout: c.stopTimeout,
      restartPolicy: c.restartPolicy,
      env: c.env,
      conmonPidFile: c.conmonPidFile || path.join(ce.userdataDir(c.id), 'conmon.pid'),
      runRoot: ce.runRoot,
    },
    opts,
  );
}
