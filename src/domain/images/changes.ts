/**
 * `--change` instructions (import, commit): a Containerfile instruction applied to an image
 * config: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import type { ContainerConfig } from './image-config.ts';

/** JSON array form if it parses as one, else the shell form wrapped in `/bin/sh -c`. */
function commandForm(value: string): string[] {
  const t = value.trim();
  if (t.startsWith('[')) {
    try {
      const parsed = JSON.parse(t) as unknown;
      if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) return parsed;
    } catch {
      // not JSON: the shell form below applies, as in a Containerfile
    }
  }
  return ['/bin/sh', '-c', t];
}

function listForm(value: string): string[] {
  const t = value.trim();
  if (t.startsWith('[')) {
    try {
      const parsed = JSON.parse(t) as unknown;
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // plain words below
    }
  }
  return t.split(/\s+/).filter(Boolean);
}

/** `k=v k2="v 2"` or the legacy `k v` form. */
function keyValues(value: string): [string, string][] {
  const t = value.trim();
  if (!t.includes('=')) {
    const sp = t.search(/\s/);
    if (sp === -1) throw new InvalidArgumentError(`invalid change "${value}": expected key=value`);
    return [[t.slice(0, sp), t.slice(sp).trim()]];
  }
  const out: [string, string][] = [];
  const re = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (const m of t.matchAll(re)) {
    let v = m[2]!;
    if (v.startsWith('"')) v = JSON.parse(v) as string;
    else if (v.startsWith("'")) v = v.slice(1, -1);
    out.push([m[1]!, v]);
  }
  return out;
}

export function applyChanges(config: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const out: ContainerConfig = structuredClone(config);
  for (const change of changes) {
    const m = /^\s*(\S+)\s*(.*)$/s.exec(change);
    if (!m) throw new InvalidArgumentError(`invalid change "${change}"`);
    const instr = m[1]!.toUpperCase();
    const value = m[2]!;
    switch (instr) {
      case 'CMD':
        out.Cmd = commandForm(value);
        break;
      case 'ENTRYPOINT':
        out.Entrypoint = commandForm(value);
        break;
      case 'ENV': {
        const env = [...(out.Env ?? [])];
        for (const [k, v] of keyValues(value)) {
          const i = env.findIndex((e) => e.split('=')[0] === k);
          if (i === -1) env.push(`${k}=${v}`);
          else env[i] = `${k}=${v}`;
        }
        out.Env = env;
        break;
      }
      case 'EXPOSE': {
        out.ExposedPorts ??= {};
        for (const p of listForm(value)) out.ExposedPorts[p.includes('/') ? p : `${p}/tcp`] = {};
        break;
      }
      case 'LABEL': {
        out.Labels = { ...(out.Labels ?? {}) };
        for (const [k, v] of keyValues(value)) out.Labels[k] = v;
        break;
      }
      case 'ONBUILD':
        out.OnBuild = [...(out.OnBuild ?? []), value.trim()];
        break;
      case 'STOPSIGNAL':
        out.StopSignal = value.trim();
        break;
      case 'USER':
        out.User = value.trim();
        break;
      case 'VOLUME': {
        out.Volumes ??= {};
        for (const v of listForm(value)) out.Volumes[v] = {};
        break;
      }
      case 'WORKDIR':
        out.WorkingDir = value.trim();
        break;
      default:
        throw new InvalidArgumentError(`invalid change "${change}" - invalid instruction ${instr}`);
    }
  }
  return out;
}
