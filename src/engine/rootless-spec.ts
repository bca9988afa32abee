/**
 * What changes in a container's spec input when skiff runs rootless: /sys is bound rather
 * than mounted where sysfs would be refused; without delegated cgroups there is no cgroup
 * at all (the runtime could not create one), so limits are dropped with a warning; and
 * `--userns=keep-id` gets a nested user namespace with the user's own ids.
 */
import type { SpecInput } from '../domain/containers/spec/spec-input.ts';
import { InvalidArgumentError } from '../define/errors.ts';
import { isRootless } from '../infra/config/paths.ts';

export const rootlessLimitsWarning = 'Resource limits are not supported and ignored on cgroups V1 rootless systems';

export interface RootlessSpecAdjustment {
  input: SpecInput;
  warnings: string[];
}

export interface RootlessSpecOptions {
  /** --pids-limit was given (the containers.conf default alone is dropped silently) */
  explicitPidsLimit?: boolean;
  /** the container's --userns value ('' for the default) */
  userns: string;
  /** the container's --user value ('' for the image's) */
  user: string;
}

export async function adjustForRootless(input: SpecInput, opts: RootlessSpecOptions): Promise<RootlessSpecAdjustment> {
  if (!isRootless()) return { input, warnings: [] };
  input = { ...input, inUserNamespace: true };
  if (opts.userns === 'keep-id') input = await keepId(input, opts.user);
  else if (opts.userns !== '' && opts.userns !== 'host') {
    throw new InvalidArgumentError(`--userns=${opts.userns} is not supported by rootless skiff (use host or keep-id)`);
  }
  if (input.cgroups === 'disabled') return { input, warnings: [] };
  const { cgroupsDelegated } = await import('../infra/rootless/cgroups.ts');
  if (cgroupsDelegated()) return { input, warnings: [] };
  const { pidsLimit, ...others } = input.resources ?? {};
  const limits = Object.values(others).some((v) => v !== undefined && v !== false) || (opts.explicitPidsLimit === true && pidsLimit !== undefined);
  return { input: { ...input, cgroups: 'disabled' }, warnings: limits ? [rootlessLimitsWarning] : [] };
}

/** The user's own ids inside, in a nested namespace (see infra/rootless/keep-id.ts). */
async function keepId(input: SpecInput, user: string): Promise<SpecInput> {
  const { hostUser, keepIdMappings, namespaceIdentity } = await import('../infra/rootless/keep-id.ts');
  const ident = namespaceIdentity();
  const namespaces = {
    ...input.namespaces,
    user: { uidMappings: keepIdMappings(ident.uid, ident.uidCount), gidMappings: keepIdMappings(ident.gid, ident.gidCount) },
  };
  if (user !== '') return { ...input, namespaces };
  const home = hostUser(ident.uid, ident.gid).home;
  return { ...input, namespaces, user: { ...input.user, uid: ident.uid, gid: ident.gid, additionalGids: [], home } };
}
