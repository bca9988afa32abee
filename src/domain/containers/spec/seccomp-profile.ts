/**
 * Which seccomp profile a container gets, read from disk once per process: `seccomp=unconfined`
 * none, `seccomp=<file>` that file, privileged none, otherwise containers.conf's
 * seccomp_profile (default /usr/share/containers/seccomp.json from containers-common) when
 * it exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { SeccompProfile } from './seccomp.ts';
import { parseSecurityOpts } from './security-opts.ts';

export const defaultSeccompProfilePath = '/usr/share/containers/seccomp.json';

const loaded = new Map<string, SeccompProfile>();

/** Parses a profile file; the same object is returned for the same path afterwards. */
export function loadSeccompProfile(path: string): SeccompProfile {
  let profile = loaded.get(path);
  if (profile) return profile;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`opening seccomp profile failed: ${(err as Error).message}`);
  }
  try {
    profile = JSON.parse(text) as SeccompProfile;
  } catch (err) {
    throw new InvalidArgumentError(`decoding seccomp profile failed: ${(err as Error).message}`);
  }
  loaded.set(path, profile);
  return profile;
}

export interface SeccompChoice {
  securityOpts: readonly string[];
  privileged: boolean;
  /** containers.conf seccomp_profile */
  defaultProfilePath?: string;
}

/** The profile for these options, or undefined for no seccomp filter. */
export function seccompProfileFor(choice: SeccompChoice): SeccompProfile | undefined {
  const { seccomp } = parseSecurityOpts(choice.securityOpts);
  if (seccomp === 'unconfined') return undefined;
  if (seccomp !== undefined) return loadSeccompProfile(seccomp);
  if (choice.privileged) return undefined;
  const path = choice.defaultProfilePath ?? defaultSeccompProfilePath;
  return existsSync(path) ? loadSeccompProfile(path) : undefined;
}
