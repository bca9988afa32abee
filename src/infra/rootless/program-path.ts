/** Finding an external program on $PATH before running it, so a missing one names its package. */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { MissingProgramError } from '../../define/errors.ts';

/** The first executable `name` on $PATH (then /usr/sbin and /sbin), or undefined. */
export function findProgram(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':'), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here: keep looking
    }
  }
  return undefined;
}

/** Like {@link findProgram}, but a missing program is a MissingProgramError naming the package. */
export function requireProgram(name: string, debianPackage: string, env: NodeJS.ProcessEnv = process.env): string {
  const path = findProgram(name, env);
  if (!path) throw new MissingProgramError(name, debianPackage);
  return path;
}
