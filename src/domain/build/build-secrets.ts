/**
 * `build --secret id=ID[,src=PATH|,env=VAR][,type=file|env]` as Buildah 1.28's parse.Secrets
 * reads it: without `src` or `env` the source is the id itself, and without `type` it is a
 * file when such a file exists, else an environment variable. A file is read only when a RUN
 * mounts it, so its content passes through memory and a private file on the run root, never
 * the image, its history, the layer cache key or the log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '../../define/errors.ts';

export type BuildSecret =
  | { id: string; type: 'file'; /** absolute */ path: string }
  | { id: string; type: 'env'; variable: string; /** undefined when the variable is unset: an empty secret, as Buildah gives */ value: string | undefined };

const syntax = 'incorrect secret flag format: should be --secret id=foo,src=bar[,env=ENV,type=file|env]';

/** Parses every `--secret` value; a later id replaces an earlier one. `env` is the caller's environment. */
export function parseSecretFlags(values: readonly string[], cwd: string, env: Readonly<Record<string, string | undefined>>): Map<string, BuildSecret> {
  const out = new Map<string, BuildSecret>();
  for (const value of values) {
    let id = '';
    let src = '';
    let type: 'file' | 'env' | undefined;
    for (const token of value.split(',')) {
      const eq = token.indexOf('=');
      const key = eq < 0 ? token : token.slice(0, eq);
      const v = eq < 0 ? '' : token.slice(eq + 1);
      if (key === 'id') id = v;
      else if (key === 'src' || key === 'source') src = v;
      else if (key === 'env') {
        src = v;
        type = 'env';
      } else if (key === 'type') {
        if (v !== 'file' && v !== 'env') throw new InvalidArgumentError('invalid secret type, must be file or env');
        type = v;
      } else throw new InvalidArgumentError(`${syntax}: unknown field ${JSON.stringify(key)}`);
    }
    if (id === '') throw new InvalidArgumentError(syntax);
    if (id.includes('/') || id === '.' || id === '..') throw new InvalidArgumentError(`secret id ${JSON.stringify(id)}: must not contain "/"`);
    if (src === '') src = id;
    const full = path.resolve(cwd, src);
    type ??= fs.existsSync(full) ? 'file' : 'env';
    if (type === 'env') {
      out.set(id, { id, type, variable: src, value: env[src] });
      continue;
    }
    if (!fs.statSync(full, { throwIfNoEntry: false })?.isFile()) throw new InvalidArgumentError(`could not parse secrets: stat ${full}: no such file`);
    out.set(id, { id, type, path: full });
  }
  return out;
}

/** The secret's content, read now (a file may change between builds, and only a RUN that mounts it reads it). */
export function readSecret(secret: BuildSecret): Buffer {
  if (secret.type === 'env') return Buffer.from(secret.value ?? '');
  try {
    return fs.readFileSync(secret.path);
  } catch (err) {
    throw new InvalidArgumentError(`reading secret ${JSON.stringify(secret.id)} from ${secret.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
