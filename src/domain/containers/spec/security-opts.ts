/**
 * `--security-opt` values as Podman 4.3 reads them (parseSecurityOpt): `no-new-privileges`,
 * `seccomp=unconfined|FILE`, `label=…`, `apparmor=…`, `mask=/a:/b`, `unmask=ALL|/a:/b`,
 * `systempaths=unconfined` (Docker's spelling of unmask=ALL) and `proc-opts=…`.
 */
import { InvalidArgumentError } from '../../../define/errors.ts';

export interface SecurityOptions {
  noNewPrivileges: boolean;
  /** `unconfined` or a profile path; undefined for the default profile */
  seccomp: string | undefined;
  /** SELinux labelling turned off (skiff applies no SELinux labels either way) */
  labelDisabled: boolean;
  /** AppArmor profile name; `unconfined` means none */
  apparmor: string | undefined;
  /** extra paths to mask */
  mask: string[];
  /** default masked/read-only paths to leave alone; `ALL` for every one */
  unmask: string[];
  procOpts: string[];
}

function parseBool(value: string, opt: string): boolean {
  if (/^(1|t|true)$/i.test(value)) return true;
  if (/^(0|f|false)$/i.test(value)) return false;
  throw new InvalidArgumentError(`invalid --security-opt: ${JSON.stringify(opt)}: not a boolean`);
}

export function parseSecurityOpts(opts: readonly string[]): SecurityOptions {
  const out: SecurityOptions = { noNewPrivileges: false, seccomp: undefined, labelDisabled: false, apparmor: undefined, mask: [], unmask: [], procOpts: [] };
  for (const opt of opts) {
    if (opt === 'no-new-privileges') {
      out.noNewPrivileges = true;
      continue;
    }
    // Docker also accepted `key:value`; Podman only `key=value`.
    const eq = opt.indexOf('=');
    if (eq < 0) throw new InvalidArgumentError(`invalid --security-opt 1: ${JSON.stringify(opt)}`);
    const key = opt.slice(0, eq);
    const value = opt.slice(eq + 1);
    switch (key) {
      case 'no-new-privileges':
        out.noNewPrivileges = parseBool(value, opt);
        break;
      case 'seccomp':
        out.seccomp = value;
        break;
      case 'label':
        if (value === 'disable') out.labelDisabled = true;
        break;
      case 'apparmor':
        out.apparmor = value;
        break;
      case 'mask':
        out.mask.push(...value.split(':').filter(Boolean));
        break;
      case 'unmask':
        out.unmask.push(...value.split(':').filter(Boolean));
        break;
      case 'systempaths':
        if (value !== 'unconfined') throw new InvalidArgumentError(`invalid systempaths option ${JSON.stringify(value)}, only \`unconfined\` is supported`);
        out.unmask.push('ALL');
        break;
      case 'proc-opts':
        out.procOpts.push(...value.split(',').filter(Boolean));
        break;
      default:
        throw new InvalidArgumentError(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
    }
  }
  return out;
}
