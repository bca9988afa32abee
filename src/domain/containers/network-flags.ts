/**
 * `--network` and its companions (`--ip`, `--ip6`, `--mac-address`, `--network-alias`) into
 * a network mode plus the bridge networks joined, as Podman 4.3's ParseNetworkFlag reads
 * them: `none|host|private|ns:PATH|container:ID`, `slirp4netns[:OPTS]`, `pasta[:OPTS]`,
 * `bridge[:OPTS]`, `NAME[:OPTS]`, and a bare `a,b` list; bridge OPTS are
 * `ip=…,ip6=…,mac=…,alias=…,interface_name=…`.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import { isIP, isIPv4, isIPv6 } from '../../infra/network/ip-syntax.ts';
import { checkPastaOptions } from '../../infra/network/pasta.ts';
import { parseSlirp4netnsOptions } from '../../infra/network/slirp4netns-options.ts';
import type { PerNetworkConfig } from './model.ts';

export interface NetworkFlags {
  values?: readonly string[];
  ip?: string;
  ip6?: string;
  macAddress?: string;
  aliases?: readonly string[];
}

export interface NetworkChoice {
  /** `bridge` when networks are joined, else the namespace mode */
  mode: string;
  networks: string[];
  options: Record<string, PerNetworkConfig>;
  /** `slirp4netns:OPTS` (`key=value` each) or `pasta:OPTS` (pasta's own arguments), split at commas */
  modeOptions?: string[];
}

/** The modes whose namespace a user-mode network stack (slirp4netns, pasta) serves. */
export function isUserModeNetwork(mode: string): mode is 'slirp4netns' | 'pasta' {
  return mode === 'slirp4netns' || mode === 'pasta';
}

const macPattern = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

function checkMac(mac: string): string {
  if (!macPattern.test(mac)) throw new InvalidArgumentError(`address ${mac}: invalid MAC address`);
  return mac.toLowerCase();
}

function checkIp(ip: string, family: 4 | 6 | 0): string {
  const ok = family === 4 ? isIPv4(ip) : family === 6 ? isIPv6(ip) : isIP(ip) !== 0;
  if (!ok) throw new InvalidArgumentError(`${JSON.stringify(ip)} is not an ${family === 6 ? 'IPv6' : 'IP'} address`);
  return ip;
}

function parseOptions(network: string, text: string): PerNetworkConfig {
  const out: PerNetworkConfig = {};
  for (const opt of text.split(',').filter(Boolean)) {
    const eq = opt.indexOf('=');
    const key = eq < 0 ? opt : opt.slice(0, eq);
    const value = eq < 0 ? '' : opt.slice(eq + 1);
    switch (key) {
      case 'ip':
      case 'ip6':
        (out.staticIps ??= []).push(checkIp(value, key === 'ip' ? 4 : 6));
        break;
      case 'mac':
        out.staticMac = checkMac(value);
        break;
      case 'alias':
        (out.aliases ??= []).push(value);
        break;
      case 'interface_name':
        out.interfaceName = value;
        break;
      default:
        throw new InvalidArgumentError(`invalid option for network ${network}: unknown bridge network option: ${key}`);
    }
  }
  return out;
}

const soleModes = ['none', 'host', 'slirp4netns', 'pasta'];

function isSoleMode(v: string): boolean {
  return soleModes.includes(v) || v === 'private' || /^(ns|container|slirp4netns|pasta):/.test(v);
}

/** `slirp4netns:a=b,c=d` → mode and checked options; other modes pass through. */
function splitMode(v: string): { mode: string; modeOptions?: string[] } {
  const colon = v.indexOf(':');
  const mode = colon < 0 ? v : v.slice(0, colon);
  if (!isUserModeNetwork(mode)) return { mode: v };
  const modeOptions = colon < 0 ? [] : v.slice(colon + 1).split(',').filter(Boolean);
  if (mode === 'slirp4netns') parseSlirp4netnsOptions(modeOptions);
  else checkPastaOptions(modeOptions);
  return modeOptions.length > 0 ? { mode, modeOptions } : { mode };
}

/** `defaultMode` is what no `--network` (or `private`) gives: `bridge`, `none`, `host`, `slirp4netns[:OPTS]`, `pasta[:OPTS]`. */
export function parseNetworkFlags(flags: NetworkFlags, defaultMode: string, defaultNetwork: string): NetworkChoice {
  const values = flags.values ?? [];
  const networks: string[] = [];
  const options: Record<string, PerNetworkConfig> = {};
  let mode = '';
  let modeOptions: string[] | undefined;
  const add = (name: string, opts: PerNetworkConfig) => {
    if (networks.includes(name)) throw new InvalidArgumentError(`network ${name} is already set`);
    networks.push(name);
    if (Object.keys(opts).length > 0) options[name] = opts;
  };
  for (const v of values) {
    if (isSoleMode(v)) {
      if (values.length > 1) throw new InvalidArgumentError(`cannot set multiple networks without bridge network mode, selected mode ${v}: invalid argument`);
      ({ mode, modeOptions } = splitMode(v === 'private' ? defaultMode : v));
      continue;
    }
    const colon = v.indexOf(':');
    if (colon < 0) {
      for (const name of v.split(',').filter(Boolean)) add(name === 'bridge' ? defaultNetwork : name, {});
    } else {
      const name = v.slice(0, colon);
      add(name === 'bridge' ? defaultNetwork : name, parseOptions(name, v.slice(colon + 1)));
    }
  }
  if (!mode) {
    if (networks.length > 0) mode = 'bridge';
    else ({ mode, modeOptions } = splitMode(defaultMode));
  }
  if (mode === 'bridge' && networks.length === 0) networks.push(defaultNetwork);
  const extra: PerNetworkConfig = {};
  if (flags.ip) (extra.staticIps ??= []).push(checkIp(flags.ip, 4));
  if (flags.ip6) (extra.staticIps ??= []).push(checkIp(flags.ip6, 6));
  if (flags.macAddress) extra.staticMac = checkMac(flags.macAddress);
  if (flags.aliases && flags.aliases.length > 0) extra.aliases = [...flags.aliases];
  if (Object.keys(extra).length > 0) {
    if (mode !== 'bridge') throw new InvalidArgumentError('--ip, --ip6, --mac-address and --network-alias need a bridge network');
    if (networks.length > 1) throw new InvalidArgumentError('--ip, --ip6, --mac-address and --network-alias can only be set for a single network; use --network NAME:ip=… instead');
    const name = networks[0]!;
    const cur = options[name] ?? {};
    options[name] = {
      ...cur,
      ...(extra.staticIps ? { staticIps: [...(cur.staticIps ?? []), ...extra.staticIps] } : {}),
      ...(extra.staticMac ? { staticMac: extra.staticMac } : {}),
      ...(extra.aliases ? { aliases: [...(cur.aliases ?? []), ...extra.aliases] } : {}),
    };
  }
  return { mode, networks, options, ...(modeOptions ? { modeOptions } : {}) };
}
