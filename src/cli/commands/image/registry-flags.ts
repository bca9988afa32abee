/**
 * The flags every registry-facing command shares (pull, push, login, search): TLS,
 * credentials, certificates and retries, turned into the engine's RegistryAccessOptions.
 */
import { InvalidArgumentError } from '../../../define/errors.ts';
import { parseGoDuration } from '../../../domain/go-duration.ts';
import type { RegistryAccessOptions } from '../../../infra/registry/connect.ts';
import type { FlagSpec } from '../../command.ts';
import type { ParsedFlags } from '../../flags.ts';

export const tlsFlags: FlagSpec[] = [
  { name: 'authfile', type: 'string', description: 'Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override' },
  { name: 'cert-dir', type: 'string', description: 'Path to a directory containing TLS certificates and keys' },
  { name: 'tls-verify', type: 'bool', default: true, description: 'Require HTTPS and verify certificates when contacting registries' },
];

export const credsFlag: FlagSpec = { name: 'creds', type: 'string', description: 'Credentials (USERNAME:PASSWORD) to use for authenticating to a registry' };

export const retryFlags: FlagSpec[] = [
  { name: 'retry', type: 'int', default: 3, description: 'number of times to retry in case of failure when performing pull' },
  { name: 'retry-delay', type: 'string', description: 'delay between retries in case of pull failures' },
];

/** A --retry-delay value: a Go duration, in ms. */
export function parseRetryDelay(value: string): number {
  const ms = parseGoDuration(value);
  if (ms === undefined) throw new InvalidArgumentError(`time: invalid duration "${value}"`);
  return ms;
}

/** `authfileMustExist`: pull and push refuse a missing --authfile, login creates it. */
export async function registryAccess(flags: ParsedFlags, authfileMustExist = true): Promise<RegistryAccessOptions> {
  const opts: RegistryAccessOptions = {
    tlsVerify: flags.changed('tls-verify') ? flags.bool('tls-verify') : undefined,
    certDir: flags.string('cert-dir'),
    authfile: flags.string('authfile'),
  };
  if (opts.authfile !== undefined && authfileMustExist) {
    const fs = process.getBuiltinModule('node:fs');
    if (!fs.existsSync(opts.authfile)) throw new InvalidArgumentError(`checking authfile: stat ${opts.authfile}: no such file or directory`);
  }
  const creds = flags.string('creds');
  if (creds !== undefined) {
    const { parseCreds } = await import('../../../infra/registry/connect.ts');
    opts.credentials = parseCreds(creds);
  }
  if (flags.specs.some((s) => s.name === 'retry')) {
    opts.retry = flags.int('retry');
    const delay = flags.string('retry-delay');
    if (delay !== undefined) opts.retryDelayMs = parseRetryDelay(delay);
  }
  return opts;
}

/** --platform OS/ARCH[/VARIANT], or --os/--arch/--variant: the platform to choose from an index. */
export function platformFrom(flags: ParsedFlags): { os?: string | undefined; architecture?: string | undefined; variant?: string | undefined } {
  const platform = { os: flags.string('os'), architecture: flags.string('arch'), variant: flags.string('variant') };
  const platformFlag = flags.string('platform');
  if (platformFlag) {
    if (platform.os || platform.architecture) throw new InvalidArgumentError('--platform option can not be specified with --arch or --os');
    const [os, architecture, variant] = platformFlag.split('/');
    if (!os || !architecture) throw new InvalidArgumentError(`invalid platform syntax for --platform=${JSON.stringify(platformFlag)}: use OS/ARCH[/VARIANT]`);
    Object.assign(platform, { os, architecture, variant });
  }
  return platform;
}
