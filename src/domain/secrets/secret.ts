/**
 * `podman secret` and `--secret` as Podman 4.3 has them: named data of up to 512000 bytes
 * (the `file` driver), given to a container as a read-only file (default
 * `/run/secrets/NAME`) or, with `type=env`, as an environment variable. The data never
 * appears in inspect output, logs or images. Pure.
 */
import { InvalidArgumentError } from '../../define/errors.ts';

export const maxSecretSize = 512000;

const namePattern = /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9])?$/;

export function checkSecretName(name: string): void {
  if (!namePattern.test(name)) {
    throw new InvalidArgumentError(`only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]: ${name}: invalid secret name`);
  }
}

export function checkSecretData(data: Buffer): void {
  if (data.length === 0 || data.length >= maxSecretSize) throw new InvalidArgumentError(`secret data must be larger than 0 and less than ${maxSecretSize} bytes`);
}

/** `secret inspect`: Podman's SecretInfoReport, in its field order. */
export interface SecretInspect {
  ID: string;
  CreatedAt: string;
  UpdatedAt: string;
  Spec: { Name: string; Driver: { Name: 'file'; Options: { path: string } }; Labels: Record<string, string> };
}

/** A container's `--secret`, as its config keeps it (inspect's Config.Secrets has Name, ID, UID, GID, Mode). */
export interface ContainerSecret {
  Name: string;
  ID: string;
  UID: number;
  GID: number;
  Mode: number;
  type: 'mount' | 'env';
  /** mount: the path in the container; env: the variable's name */
  target: string;
}

/** `--secret NAME[,type=mount|env][,target=T][,uid=U][,gid=G][,mode=M]`, before the name is looked up. */
export type SecretRequest = Omit<ContainerSecret, 'ID'>;

function number(what: string, value: string, base = 10): number {
  const n = Number.parseInt(value, base);
  if (!/^\d+$/.test(value) || Number.isNaN(n)) throw new InvalidArgumentError(`${what} ${JSON.stringify(value)} is not a valid number`);
  return n;
}

export function parseSecretFlag(value: string): SecretRequest {
  const [name, ...opts] = value.split(',');
  if (!name) throw new InvalidArgumentError(`no secret name given in --secret ${JSON.stringify(value)}`);
  let type: 'mount' | 'env' = 'mount';
  let target: string | undefined;
  let uid = 0;
  let gid = 0;
  let mode = 0o444;
  let ownership = false;
  for (const opt of opts) {
    const eq = opt.indexOf('=');
    const key = eq < 0 ? opt : opt.slice(0, eq);
    const v = eq < 0 ? '' : opt.slice(eq + 1);
    switch (key) {
      case 'type':
        if (v !== 'mount' && v !== 'env') throw new InvalidArgumentError(`type ${v} is invalid: secret type must be 'mount' or 'env'`);
        type = v;
        break;
      case 'target':
        target = v;
        break;
      case 'uid':
        uid = number('uid', v);
        ownership = true;
        break;
      case 'gid':
        gid = number('gid', v);
        ownership = true;
        break;
      case 'mode':
        mode = number('mode', v, 8);
        ownership = true;
        break;
      default:
        throw new InvalidArgumentError(`option ${JSON.stringify(key)} invalid`);
    }
  }
  if (type === 'env' && ownership) throw new InvalidArgumentError('UID, GID, Mode options cannot be set with secret type env');
  if (type === 'env') return { Name: name, type, target: target || name, UID: 0, GID: 0, Mode: 0 };
  const path = target ? (target.startsWith('/') ? target : `/run/secrets/${target}`) : `/run/secrets/${name}`;
  return { Name: name, type, target: path, UID: uid, GID: gid, Mode: mode };
}

/** `env` without the variables env secrets set: their values belong to no report or image. */
export function withoutSecretEnv(env: readonly string[], secrets: readonly ContainerSecret[] | undefined): string[] {
  const hidden = new Set((secrets ?? []).filter((s) => s.type === 'env').map((s) => s.target));
  if (hidden.size === 0) return [...env];
  return env.filter((e) => {
    const eq = e.indexOf('=');
    return !hidden.has(eq < 0 ? e : e.slice(0, eq));
  });
}
