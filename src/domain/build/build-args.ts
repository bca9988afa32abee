/**
 * The build arguments a build starts with: `--build-arg-file` and `--build-arg` values, the
 * proxy variables every RUN may use without an ARG instruction (and that history leaves
 * out), and the platform arguments (TARGETPLATFORM & co.) Buildah predefines in the global
 * scope, so FROM can use them and a stage gets them with a bare `ARG TARGETARCH`.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import { readLinesFile } from '../containers/option-parsers.ts';

/** Allowed without an ARG instruction (Docker's and imagebuilder's builtinAllowedBuildArgs). */
export const proxyArgs: ReadonlySet<string> = new Set([
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy',
]);

export interface BuildPlatform {
  os: string;
  architecture: string;
  variant?: string | undefined;
}

/** `os/arch[/variant]`, as TARGETPLATFORM spells it. */
export function platformString(p: BuildPlatform): string {
  return [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join('/');
}

/** `os/arch[/variant]` as FROM --platform and --platform give it. */
export function parsePlatform(value: string): BuildPlatform {
  const [os, architecture, variant, ...rest] = value.split('/');
  if (!os || !architecture || rest.length) throw new InvalidArgumentError(`invalid platform syntax for --platform=${JSON.stringify(value)}: use OS/ARCH[/VARIANT]`);
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** TARGET* for the platform built for, BUILD* for the one building. */
export function platformArgs(target: BuildPlatform, build: BuildPlatform): Map<string, string> {
  return new Map([
    ['TARGETPLATFORM', platformString(target)],
    ['TARGETOS', target.os],
    ['TARGETARCH', target.architecture],
    ['TARGETVARIANT', target.variant ?? ''],
    ['BUILDPLATFORM', platformString(build)],
    ['BUILDOS', build.os],
    ['BUILDARCH', build.architecture],
    ['BUILDVARIANT', build.variant ?? ''],
  ]);
}

/**
 * `--build-arg-file` files then `--build-arg` values, later ones winning, as Podman merges
 * them: `K=V` sets, a bare `K` takes the caller's environment (a `--build-arg K` that is
 * not set there removes K), `K*` in a file takes every variable starting with K.
 */
export function collectBuildArgs(files: readonly string[], args: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of files) {
    let lines: string[];
    try {
      lines = readLinesFile(file, 'env');
    } catch (err) {
      throw new InvalidArgumentError(`parsing build-arg file "${file}": ${(err as Error).message}`, { cause: err });
    }
    for (const line of lines) {
      const eq = line.indexOf('=');
      if (eq >= 0) out[line.slice(0, eq)] = line.slice(eq + 1);
      else if (line.endsWith('*')) {
        const prefix = line.slice(0, -1);
        for (const [k, v] of Object.entries(env)) if (k.startsWith(prefix) && v !== undefined) out[k] = v;
      } else if (env[line] !== undefined) out[line] = env[line];
    }
  }
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq >= 0) out[a.slice(0, eq)] = a.slice(eq + 1);
    else if (env[a] !== undefined) out[a] = env[a];
    else delete out[a];
  }
  return out;
}

/** `--timestamp` seconds since the epoch, as an RFC 3339 time. */
export function timestampIso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** `--isolation` (or BUILDAH_ISOLATION): Buildah's names; only OCI isolation runs here, the others are accepted. */
export function parseIsolation(value: string): 'oci' | 'rootless' | 'chroot' {
  const v = value.toLowerCase();
  for (const kind of ['oci', 'rootless', 'chroot'] as const) if (v.startsWith(kind)) return kind;
  throw new InvalidArgumentError(`unrecognized isolation type "${value}"`);
}

/** `--annotation` and `--label` entries `k=v` (a bare `k` is an empty value). */
export function keyValueMap(entries: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) {
    const eq = e.indexOf('=');
    out[eq < 0 ? e : e.slice(0, eq)] = eq < 0 ? '' : e.slice(eq + 1);
  }
  return out;
}
