/**
 * containers-policy.json(5): which images may be pulled or loaded. Parsed strictly, as
 * containers/image does (unknown or missing fields reject the whole file). skiff does not
 * verify signatures yet, so {@link isImageAllowed} reports a `signedBy` or `sigstoreSigned`
 * requirement as unsupported instead of accepting the image.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../define/errors.ts';
import { jsonErrorLine } from './json-error.ts';
import { policyPath } from './paths.ts';
import type { ConfigOptions } from './paths.ts';

export type SignedIdentity =
  | { type: 'matchExact' }
  | { type: 'matchRepoDigestOrExact' }
  | { type: 'matchRepository' }
  | { type: 'exactReference'; dockerReference: string }
  | { type: 'exactRepository'; dockerRepository: string }
  | { type: 'remapIdentity'; prefix: string; signedPrefix: string };

export interface SignedByRequirement {
  type: 'signedBy';
  keyType: 'GPGKeys';
  keyPath?: string;
  keyPaths?: string[];
  keyData?: string;
  signedIdentity?: SignedIdentity;
}

export interface SigstoreSignedRequirement {
  type: 'sigstoreSigned';
  keyPath?: string;
  keyData?: string;
  fulcio?: Record<string, unknown>;
  rekorPublicKeyPath?: string;
  rekorPublicKeyData?: string;
  signedIdentity?: SignedIdentity;
}

export type PolicyRequirement =
  | { type: 'insecureAcceptAnything' }
  | { type: 'reject' }
  | SignedByRequirement
  | SigstoreSignedRequirement;

export interface Policy {
  default: PolicyRequirement[];
  /** Transport name (`docker`, `dir`, `oci`, …) → scope → requirements; scope '' is the transport's default. */
  transports: Record<string, Record<string, PolicyRequirement[]>>;
  /** The file it was read from. */
  path: string;
}

/** Which part of the policy decided. */
export interface PolicyMatch {
  /** Unset when the global default applied. */
  transport?: string;
  /** The matching scope ('' for the transport default); unset for the global default. */
  scope?: string;
}

export type PolicyVerdict =
  | { kind: 'accepted'; match: PolicyMatch }
  | { kind: 'rejected'; match: PolicyMatch }
  /** A signature requirement skiff cannot check yet; callers must refuse the image. */
  | { kind: 'unsupported'; match: PolicyMatch; requirement: SignedByRequirement | SigstoreSignedRequirement };

/**
 * Reads the policy: `signaturePolicy` (--signature-policy) if given, else the user's, else
 * /etc/containers/policy.json. A missing file is an error, as for Podman: no policy means
 * no decision, and skiff does not guess one.
 */
export function loadPolicy(signaturePolicy?: string, opts: ConfigOptions = {}): Policy {
  const path = policyPath({ ...opts, ...(signaturePolicy ? { signaturePolicy } : {}) });
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message;
    throw new ConfigError(`reading signature policy ${path}: ${reason}`, { cause: err });
  }
  return parsePolicy(text, path);
}

/** Parses policy.json text; `path` names it in errors. */
export function parsePolicy(text: string, path: string): Policy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const line = jsonErrorLine(text);
    const reason = (err as Error).message.replace(/,? (?:(?:in|after) JSON at position|(?:\.\.\.)?").*$/s, '');
    throw new ConfigError(`${path}${line === undefined ? '' : `:${line}`}: invalid JSON: ${reason}`, { cause: err });
  }
  const fail = (where: string, message: string): never => {
    throw new ConfigError(`${path}: ${where}: ${message}`);
  };
  const top = object(json, 'policy', fail);
  allowKeys(top, ['default', 'transports'], 'policy', fail);
  if (!('default' in top)) fail('policy', '"default" policy is missing');
  // fromEntries defines own properties, so scopes such as "__proto__" stay plain keys.
  const transports = Object.entries(top.transports === undefined ? {} : object(top.transports, 'transports', fail));
  return {
    default: requirements(top.default, 'default', fail),
    transports: Object.fromEntries(
      transports.map(([transport, scopes]) => [
        transport,
        Object.fromEntries(
          Object.entries(object(scopes, `transports.${transport}`, fail)).map(([scope, reqs]) => [
            scope,
            requirements(reqs, `transports.${transport}[${JSON.stringify(scope)}]`, fail),
          ]),
        ),
      ]),
    ),
    path,
  };
}

/**
 * The decision for an image: `transport` as policy.json names it (`docker`, `dir`, `oci`,
 * …) and `scope` its identity in that transport (for docker the fully-qualified reference
 * with tag or digest, e.g. `docker.io/library/busybox:latest`; for dir/oci the absolute
 * path, `path:image` for oci). The most specific matching scope decides.
 */
export function isImageAllowed(policy: Policy, transport: string, scope: string): PolicyVerdict {
  let reqs = policy.default;
  let match: PolicyMatch = {};
  const scopes = policy.transports[transport];
  if (scopes) {
    const hit = scopeCandidates(transport, scope).find((s) => Object.hasOwn(scopes, s));
    if (hit !== undefined) {
      reqs = scopes[hit]!;
      match = { transport, scope: hit };
    } else if (Object.hasOwn(scopes, '')) {
      reqs = scopes['']!;
      match = { transport, scope: '' };
    }
  }
  if (reqs.some((r) => r.type === 'reject')) return { kind: 'rejected', match };
  const signed = reqs.find((r) => r.type === 'signedBy' || r.type === 'sigstoreSigned');
  if (signed) return { kind: 'unsupported', match, requirement: signed as SignedByRequirement | SigstoreSignedRequirement };
  return { kind: 'accepted', match };
}

/** The identity, then its enclosing namespaces, most specific first. */
function scopeCandidates(transport: string, scope: string): string[] {
  if (scope === '') return [];
  switch (transport) {
    case 'docker':
    case 'atomic':
      return [scope, ...dockerNamespaces(scope)];
    case 'dir':
      return [scope, ...parentDirs(scope)];
    case 'oci':
    case 'oci-archive': {
      const colon = scope.indexOf(':');
      return colon === -1 ? [scope, ...parentDirs(scope)] : [scope, scope.slice(0, colon), ...parentDirs(scope.slice(0, colon))];
    }
    default:
      return [scope];
  }
}

/** Repository, parent namespaces, host, then `*.`-wildcarded parent domains (containers/image's order). */
function dockerNamespaces(ref: string): string[] {
  let name = ref.split('@')[0]!;
  const lastSlash = name.lastIndexOf('/');
  const tag = name.indexOf(':', lastSlash + 1);
  if (tag !== -1) name = name.slice(0, tag);
  const out: string[] = [];
  for (;;) {
    out.push(name);
    const slash = name.lastIndexOf('/');
    if (slash === -1) break;
    name = name.slice(0, slash);
  }
  const port = name.indexOf(':');
  if (port !== -1) name = name.slice(0, port);
  for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.')) {
    name = name.slice(dot + 1);
    out.push(`*.${name}`);
  }
  return out;
}

function parentDirs(path: string): string[] {
  const out: string[] = [];
  for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/')) {
    path = path.slice(0, slash);
    out.push(path);
  }
  return out;
}

type Fail = (where: string, message: string) => never;

function object(v: unknown, where: string, fail: Fail): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(where, 'expected a JSON object');
  return v as Record<string, unknown>;
}

function allowKeys(o: Record<string, unknown>, keys: string[], where: string, fail: Fail): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(where, `unknown field ${JSON.stringify(k)}`);
}

function str(o: Record<string, unknown>, key: string, where: string, fail: Fail): string | undefined {
  const v = o[key];
  if (v !== undefined && typeof v !== 'string') fail(`${where}.${key}`, 'expected a string');
  return v as string | undefined;
}

function requirements(v: unknown, where: string, fail: Fail): PolicyRequirement[] {
  if (!Array.isArray(v)) return fail(where, 'expected an array of policy requirements');
  if (v.length === 0) fail(where, 'list of verification policy requirements must not be empty');
  return v.map((r, i) => requirement(r, `${where}[${i}]`, fail));
}

function requirement(v: unknown, where: string, fail: Fail): PolicyRequirement {
  const o = object(v, where, fail);
  const keyCount = (...keys: string[]): number => keys.filter((k) => o[k] !== undefined).length;
  switch (o.type) {
    case 'insecureAcceptAnything':
    case 'reject':
      allowKeys(o, ['type'], where, fail);
      return { type: o.type };
    case 'signedBy': {
      allowKeys(o, ['type', 'keyType', 'keyPath', 'keyPaths', 'keyData', 'signedIdentity'], where, fail);
      if (o.keyType !== 'GPGKeys') fail(`${where}.keyType`, `unsupported key type ${JSON.stringify(o.keyType)}`);
      if (keyCount('keyPath', 'keyPaths', 'keyData') !== 1) {
        fail(where, 'exactly one of keyPath, keyPaths and keyData must be specified');
      }
      const keyPaths = o.keyPaths;
      if (keyPaths !== undefined && (!Array.isArray(keyPaths) || !keyPaths.every((p) => typeof p === 'string'))) {
        fail(`${where}.keyPaths`, 'expected an array of strings');
      }
      const req: SignedByRequirement = { type: 'signedBy', keyType: 'GPGKeys' };
      const keyPath = str(o, 'keyPath', where, fail);
      const keyData = str(o, 'keyData', where, fail);
      if (keyPath !== undefined) req.keyPath = keyPath;
      if (keyPaths !== undefined) req.keyPaths = keyPaths as string[];
      if (keyData !== undefined) req.keyData = keyData;
      if (o.signedIdentity !== undefined) req.signedIdentity = signedIdentity(o.signedIdentity, `${where}.signedIdentity`, fail);
      return req;
    }
    case 'sigstoreSigned': {
      const keys = ['keyPath', 'keyData', 'fulcio', 'rekorPublicKeyPath', 'rekorPublicKeyData'] as const;
      allowKeys(o, ['type', ...keys, 'signedIdentity'], where, fail);
      if (keyCount('keyPath', 'keyData', 'fulcio') !== 1) {
        fail(where, 'exactly one of keyPath, keyData and fulcio must be specified');
      }
      const req: SigstoreSignedRequirement = { type: 'sigstoreSigned' };
      for (const k of keys) {
        if (k === 'fulcio') {
          if (o.fulcio !== undefined) req.fulcio = object(o.fulcio, `${where}.fulcio`, fail);
        } else {
          const s = str(o, k, where, fail);
          if (s !== undefined) req[k] = s;
        }
      }
      if (o.signedIdentity !== undefined) req.signedIdentity = signedIdentity(o.signedIdentity, `${where}.signedIdentity`, fail);
      return req;
    }
    default:
      return fail(`${where}.type`, `unknown policy requirement type ${JSON.stringify(o.type)}`);
  }
}

function signedIdentity(v: unknown, where: string, fail: Fail): SignedIdentity {
  const o = object(v, where, fail);
  const need = (...keys: string[]): Record<string, string> => {
    allowKeys(o, ['type', ...keys], where, fail);
    const out: Record<string, string> = {};
    for (const k of keys) {
      const s = str(o, k, where, fail);
      if (s === undefined) fail(`${where}.${k}`, 'field is missing');
      out[k] = s!;
    }
    return out;
  };
  switch (o.type) {
    case 'matchExact':
    case 'matchRepoDigestOrExact':
    case 'matchRepository':
      need();
      return { type: o.type };
    case 'exactReference':
      return { type: 'exactReference', dockerReference: need('dockerReference').dockerReference! };
    case 'exactRepository':
      return { type: 'exactRepository', dockerRepository: need('dockerRepository').dockerRepository! };
    case 'remapIdentity': {
      const f = need('prefix', 'signedPrefix');
      return { type: 'remapIdentity', prefix: f.prefix!, signedPrefix: f.signedPrefix! };
    }
    default:
      return fail(`${where}.type`, `unknown signed identity type ${JSON.stringify(o.type)}`);
  }
}
