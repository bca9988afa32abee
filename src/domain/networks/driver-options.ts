/**
 * `network create -o` per driver, checked as Podman 4.3 (c/common's netavark config) checks
 * them, with its messages: bridge takes mtu, vlan, isolate; macvlan and ipvlan take mtu and
 * mode; `parent` (and skiff's `com.docker.network.bridge.name`) name the host interface and
 * are taken out before these checks.
 */
import { InvalidArgumentError } from '../../define/errors.ts';

const modes: Record<string, readonly string[]> = {
  macvlan: ['bridge', 'private', 'vepa', 'passthru'],
  ipvlan: ['l2', 'l3', 'l3s'],
};

/** strconv.Atoi, with its error text. */
function atoi(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new InvalidArgumentError(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  return Number(text);
}

/** strconv.ParseBool, with its error text. */
function parseBool(text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new InvalidArgumentError(`strconv.ParseBool: parsing ${JSON.stringify(text)}: invalid syntax`);
}

function checkMtu(value: string): void {
  if (value === '') return;
  const mtu = atoi(value);
  if (mtu < 0) throw new InvalidArgumentError(`mtu ${mtu} is less than zero`);
}

/** The options as stored: keys sorted (Go writes maps that way), isolate spelt true/false. */
export function checkDriverOptions(driver: string, options: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(options).sort()) {
    const value = options[key]!;
    if (key === 'mtu') checkMtu(value);
    else if (driver === 'bridge' && key === 'vlan') {
      const vlan = value === '' ? 0 : atoi(value);
      if (vlan < 0 || vlan > 4094) throw new InvalidArgumentError(`vlan ID ${vlan} must be between 0 and 4094`);
    } else if (driver === 'bridge' && key === 'isolate') {
      // netavark reads only "true" and "false"
      out[key] = String(parseBool(value));
      continue;
    } else if (driver !== 'bridge' && key === 'mode') {
      if (!modes[driver]!.includes(value)) throw new InvalidArgumentError(`unknown ${driver} mode ${JSON.stringify(value)}`);
    } else {
      throw new InvalidArgumentError(`unsupported ${driver} network option ${key}`);
    }
    out[key] = value;
  }
  return out;
}
