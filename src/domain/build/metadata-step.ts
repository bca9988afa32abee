/**
 * The instructions that only change the image config (ENV, LABEL, CMD, …): pure functions
 * over the config, with the history text Buildah records for them.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import type { ContainerConfig } from '../images/image-config.ts';
import type { Instruction } from './containerfile-parser.ts';
import { keyValues, processWord, processWords, type Vars } from './substitute.ts';

export const metadataInstructions = new Set([
  'ENV', 'LABEL', 'CMD', 'ENTRYPOINT', 'EXPOSE', 'VOLUME', 'USER', 'WORKDIR', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'ONBUILD', 'MAINTAINER',
]);

export interface MetadataResult {
  config: ContainerConfig;
  author?: string;
}

/** Sets KEY=value in an environment list, replacing an earlier value. */
export function setEnv(env: readonly string[], key: string, value: string): string[] {
  return [...env.filter((e) => e.split('=')[0] !== key), `${key}=${value}`];
}

/** The arguments of a CMD/ENTRYPOINT/RUN: the JSON form as is, the shell form through the shell. */
export function commandArgs(ins: Instruction, shell: readonly string[]): string[] {
  return ins.json ?? [...shell, ins.rest];
}

function parseDuration(s: string | undefined, name: string): number | undefined {
  if (s === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)?$/.exec(s);
  if (!m) throw new InvalidArgumentError(`HEALTHCHECK: invalid ${name} "${s}"`);
  const mult: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  return Math.round(Number(m[1]) * mult[m[2] ?? 's']!);
}

function healthcheck(ins: Instruction, cfg: ContainerConfig): void {
  const flag = (n: string): string | undefined => ins.flags.find((f) => f.startsWith(`--${n}=`))?.slice(n.length + 3);
  const words = /^(\S+)\s*([\s\S]*)$/.exec(ins.rest);
  const kind = words?.[1]?.toUpperCase();
  if (kind === 'NONE') {
    cfg.Healthcheck = { Test: ['NONE'] };
    return;
  }
  if (kind !== 'CMD') throw new InvalidArgumentError('HEALTHCHECK: expected NONE or CMD');
  const body = words![2]!.trim();
  let json: string[] | undefined;
  try {
    const v: unknown = JSON.parse(body);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) json = v as string[];
  } catch {
    json = undefined;
  }
  const hc: NonNullable<ContainerConfig['Healthcheck']> = { Test: json ? ['CMD', ...json] : ['CMD-SHELL', body] };
  const interval = parseDuration(flag('interval'), 'interval');
  const timeout = parseDuration(flag('timeout'), 'timeout');
  const start = parseDuration(flag('start-period'), 'start-period');
  const retries = flag('retries');
  if (interval !== undefined) hc.Interval = interval;
  if (timeout !== undefined) hc.Timeout = timeout;
  if (start !== undefined) hc.StartPeriod = start;
  if (retries !== undefined) hc.Retries = Number(retries);
  cfg.Healthcheck = hc;
}

/** Applies one metadata instruction; `vars` are the stage's ARG and ENV values. */
export function applyMetadata(ins: Instruction, config: ContainerConfig, vars: Vars, escape: string): MetadataResult {
  const cfg: ContainerConfig = structuredClone(config);
  const shell = cfg.Shell ?? ['/bin/sh', '-c'];
  switch (ins.cmd) {
    case 'ENV':
      for (const [k, v] of keyValues(ins.rest, vars, escape)) cfg.Env = setEnv(cfg.Env ?? [], k, v);
      break;
    case 'LABEL':
      cfg.Labels = { ...(cfg.Labels ?? {}), ...Object.fromEntries(keyValues(ins.rest, vars, escape, false)) };
      break;
    case 'CMD':
      cfg.Cmd = commandArgs(ins, shell);
      break;
    case 'ENTRYPOINT':
      cfg.Entrypoint = commandArgs(ins, shell);
      break;
    case 'EXPOSE':
      for (const p of processWords(ins.rest, vars, escape)) cfg.ExposedPorts = { ...(cfg.ExposedPorts ?? {}), [p.includes('/') ? p : `${p}/tcp`]: {} };
      break;
    case 'VOLUME':
      for (const v of ins.json ?? processWords(ins.rest, vars, escape)) cfg.Volumes = { ...(cfg.Volumes ?? {}), [v]: {} };
      break;
    case 'USER':
      cfg.User = processWord(ins.rest, vars, escape);
      break;
    case 'WORKDIR': {
      const dir = processWord(ins.rest, vars, escape);
      cfg.WorkingDir = dir.startsWith('/') ? dir : `${(cfg.WorkingDir || '/').replace(/\/$/, '')}/${dir}`;
      break;
    }
    case 'STOPSIGNAL':
      cfg.StopSignal = processWord(ins.rest, vars, escape);
      break;
    case 'HEALTHCHECK':
      healthcheck(ins, cfg);
      break;
    case 'SHELL':
      if (!ins.json) throw new InvalidArgumentError('SHELL requires the arguments to be in JSON form');
      cfg.Shell = ins.json;
      break;
    case 'ONBUILD':
      cfg.OnBuild = [...(cfg.OnBuild ?? []), ins.rest];
      break;
    case 'MAINTAINER':
      return { config: cfg, author: ins.rest };
    default:
      throw new InvalidArgumentError(`${ins.cmd} is not a metadata instruction`);
  }
  return { config: cfg };
}

/** What Buildah records as created_by for a step. */
export function createdBy(ins: Instruction, shell: readonly string[] = ['/bin/sh', '-c']): string {
  if (ins.cmd === 'RUN') return ins.json ? `/bin/sh -c ${ins.json.join(' ')}` : `${shell.join(' ')} ${ins.rest}`;
  return `/bin/sh -c #(nop) ${ins.original}`;
}
