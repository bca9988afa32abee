/**
 * `build --ssh default|ID[=SOCKET|KEY[,KEY…]]`, as Buildah 1.28 (and BuildKit) read it: an id
 * without paths is the agent at $SSH_AUTH_SOCK; paths are an agent's socket or private key
 * files. A RUN reaches one through `--mount=type=ssh[,id=ID]`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '../../define/errors.ts';

export type BuildSshSource =
  /** a running agent, reached through skiff's relay so the mount's owner and mode apply */
  | { id: string; kind: 'socket'; path: string }
  /** private keys, served by an ssh-agent of the build's own */
  | { id: string; kind: 'keys'; paths: string[] };

/** Parses every `--ssh` value. `env` is the caller's environment (SSH_AUTH_SOCK). */
export function parseSshFlags(values: readonly string[], cwd: string, env: Readonly<Record<string, string | undefined>>): Map<string, BuildSshSource> {
  const out = new Map<string, BuildSshSource>();
  for (const value of values) {
    const eq = value.indexOf('=');
    const id = eq < 0 ? value : value.slice(0, eq);
    if (id === '' || id.includes(',')) throw new InvalidArgumentError(`invalid --ssh ${JSON.stringify(value)}: use default|ID[=SOCKET|KEY[,KEY...]]`);
    if (out.has(id)) throw new InvalidArgumentError(`duplicate --ssh id ${JSON.stringify(id)}`);
    let paths = eq < 0 ? [] : value.slice(eq + 1).split(',').filter((p) => p !== '');
    if (paths.length === 0) {
      const sock = env['SSH_AUTH_SOCK'];
      if (!sock) throw new InvalidArgumentError(`--ssh ${id}: no paths given and SSH_AUTH_SOCK is not set`);
      paths = [sock];
    }
    const kinds = paths.map((p) => {
      const full = path.resolve(cwd, p);
      const st = fs.statSync(full, { throwIfNoEntry: false });
      if (!st) throw new InvalidArgumentError(`--ssh ${id}: stat ${full}: no such file or directory`);
      if (st.isSocket()) return { kind: 'socket' as const, full };
      if (st.isFile()) return { kind: 'key' as const, full };
      throw new InvalidArgumentError(`--ssh ${id}: ${full} is neither an agent's socket nor a key file`);
    });
    const sockets = kinds.filter((k) => k.kind === 'socket');
    if (sockets.length > 0 && (sockets.length > 1 || kinds.length > 1)) {
      throw new InvalidArgumentError(`--ssh ${id}: give one agent socket, or key files`);
    }
    out.set(id, sockets.length ? { id, kind: 'socket', path: sockets[0]!.full } : { id, kind: 'keys', paths: kinds.map((k) => k.full) });
  }
  return out;
}
