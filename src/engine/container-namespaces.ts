/**
 * `--pid container:NAME`, `--network container:NAME` and friends: the other container must
 * be running; its namespace is joined through its init process's /proc entry.
 */
import { InvalidStateError } from '../define/errors.ts';
import type { NamespaceType } from '../infra/oci/runtime-spec.ts';
import { processNamespacePath } from '../domain/containers/spec/namespaces.ts';
import type { ContainerEngine } from './container-engine.ts';

export function resolveNamespaceFor(ce: ContainerEngine): (value: string, type: NamespaceType) => string {
  return (value, type) => {
    if (!value.startsWith('container:')) return value;
    const target = ce.lookup(value.slice('container:'.length));
    if (target.state.status !== 'running' || target.state.pid <= 0) {
      throw new InvalidStateError(`container ${target.config.id} is not running: container state improper`);
    }
    return `ns:${processNamespacePath(target.state.pid, type)}`;
  };
}
