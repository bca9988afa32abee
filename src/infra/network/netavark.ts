/**
 * The one wrapper of netavark (bridge/macvlan/ipvlan setup, firewall rules, port forwarding,
 * aardvark-dns): `setup` and `teardown` of a network namespace, with netavark's
 * NetworkOptions JSON on stdin and its StatusBlock JSON on stdout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MissingProgramError, ProgramFailedError, SkiffError } from '../../define/errors.ts';
import { withFileLock } from '../sys/flock.ts';
import { runProgram, type ProgramOutput } from '../sys/process.ts';
import { aardvarkListeners, aardvarkRebindsOnReload, settleAardvark } from './aardvark-listeners.ts';

/** A network as netavark (and Podman's network files) spell it. */
export interface NetavarkNetwork {
  name: string;
  id: string;
  driver: string;
  network_interface?: string;
  created?: string;
  subnets?: { subnet: string; gateway?: string; lease_range?: { start_ip?: string; end_ip?: string } }[];
  ipv6_enabled: boolean;
  internal: boolean;
  dns_enabled: boolean;
  labels?: Record<string, string>;
  options?: Record<string, string>;
  ipam_options?: Record<string, string>;
}

export interface PerNetworkOptions {
  interface_name: string;
  static_ips?: string[];
  aliases?: string[];
  static_mac?: string;
}

export interface NetavarkPortMapping {
  host_ip: string;
  container_port: number;
  host_port: number;
  range: number;
  protocol: string;
}

export interface NetavarkOptions {
  container_id: string;
  container_name: string;
  networks: Record<string, PerNetworkOptions>;
  network_info: Record<string, NetavarkNetwork>;
  port_mappings?: NetavarkPortMapping[];
  dns_servers?: string[];
}

/** What setup reports per network. */
export interface StatusBlock {
  dns_search_domains?: string[];
  dns_server_ips?: string[];
  interfaces?: Record<string, { mac_address: string; subnets?: { ipnet: string; gateway?: string }[] }>;
}

export interface NetavarkContext {
  /** aardvark-dns's state directory (a tmpfs under the run root) */
  configDir: string;
  /** containers.conf engine.helper_binaries_dir */
  helperDirs: readonly string[];
  /** serialises netavark runs that touch the same bridges and firewall */
  lockFile: string;
  /** argv run before netavark, to run it in another namespace (the rootless-netns's nsenter) */
  enter?: readonly string[];
  /** variables added to netavark's environment (the rootless-netns's iptables lock file) */
  env?: Readonly<Record<string, string>>;
}

const defaultDirs = ['/usr/local/libexec/podman', '/usr/local/lib/podman', '/usr/libexec/podman', '/usr/lib/podman'];

/** A helper program (netavark, aardvark-dns) from the helper directories, as Podman finds it. */
export function findHelper(name: string, helperDirs: readonly string[]): string {
  for (const dir of [...helperDirs, ...defaultDirs]) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return p;
  }
  throw new MissingProgramError(name, name);
}

function aardvarkBinary(ctx: NetavarkContext): string | undefined {
  try {
    return findHelper('aardvark-dns', ctx.helperDirs);
  } catch {
    // without aardvark-dns, networks simply get no name resolution
    return undefined;
  }
}

/** The port aardvark-dns listens on: netavark's default, as skiff passes none. */
const dnsPort = 53;

/** netavark's errors are JSON `{"error": "…"}` on stderr; the message alone reads better. */
function netavarkError(err: unknown, verb: string): unknown {
  if (!(err instanceof ProgramFailedError)) return err;
  const stderr = err.stderr;
  const m = /\{"error":\s*"((?:[^"\\]|\\.)*)"\}/.exec(stderr);
  const why = m ? (JSON.parse(`"${m[1]}"`) as string) : stderr.trim() || err.message;
  return new SkiffError(`netavark (${verb}): ${why}`, { cause: err });
}

/**
 * One netavark at a time, as Podman does (its netavark.lock): two concurrent setups race on
 * creating the same bridge and firewall chains. With DNS, the lock is held until aardvark-dns
 * has reloaded (aardvark-listeners.ts), so the next holder finds it settled.
 */
function runLocked(ctx: NetavarkContext, args: string[], opts: NetavarkOptions): Promise<ProgramOutput> {
  const bin = findHelper('netavark', ctx.helperDirs);
  fs.mkdirSync(ctx.configDir, { recursive: true, mode: 0o755 });
  fs.mkdirSync(path.dirname(ctx.lockFile), { recursive: true, mode: 0o755 });
  const aardvark = aardvarkBinary(ctx);
  const argv = [...(ctx.enter ?? []), bin, '--config', ctx.configDir, '--rootless', 'false', ...(aardvark ? ['--aardvark-binary', aardvark] : []), ...args];
  const env = ctx.env ? { ...process.env, ...ctx.env } : undefined;
  const dns = aardvark !== undefined && Object.values(opts.network_info).some((n) => n.dns_enabled);
  return withFileLock(ctx.lockFile, async () => {
    const before = dns ? aardvarkListeners(ctx.configDir) : undefined;
    const rebinds = before && before.size > 0 ? aardvarkRebindsOnReload(aardvark!) : Promise.resolve(false);
    const out = await runProgram(argv[0]!, argv.slice(1), { debianPackage: 'netavark', displayName: 'netavark', input: JSON.stringify(opts), ...(env ? { env } : {}) });
    if (before) await settleAardvark(ctx.configDir, dnsPort, before, await rebinds);
    return out;
  });
}

/** netavark's version, `1.4.0` from its `netavark 1.4.0`. */
export async function netavarkVersion(ctx: NetavarkContext): Promise<string> {
  const out = await runProgram(findHelper('netavark', ctx.helperDirs), ['--version'], { debianPackage: 'netavark' });
  return /(\d+\.\d+\.\d+)/.exec(out.stdout)?.[1] ?? '0.0.0';
}

/** Configures the namespace at `netnsPath`; returns the status block per network name. */
export async function netavarkSetup(ctx: NetavarkContext, netnsPath: string, opts: NetavarkOptions): Promise<Record<string, StatusBlock>> {
  try {
    const out = await runLocked(ctx, ['setup', netnsPath], opts);
    return JSON.parse(out.stdout) as Record<string, StatusBlock>;
  } catch (err) {
    throw netavarkError(err, 'setup');
  }
}

/** Undoes setup: veths, firewall rules, port forwards, DNS entries. */
export async function netavarkTeardown(ctx: NetavarkContext, netnsPath: string, opts: NetavarkOptions): Promise<void> {
  try {
    await runLocked(ctx, ['teardown', netnsPath], opts);
  } catch (err) {
    throw netavarkError(err, 'teardown');
  }
}
