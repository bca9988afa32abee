import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '../../../define/errors.ts';
import { containerSystemdUnit } from '../../../engine/container-ops/systemd-unit.ts';
import type { CommandSpec } from '../../command.ts';
import type { ParsedFlags } from '../../flags.ts';
import { marshalJSON } from '../../format/go-json.ts';
import { skiffExecutable } from '../../skiff-executable.ts';
import { skiffVersion } from '../../version.ts';

/** --env: NAME=VALUE as given; NAME from skiff's environment when set there; PREFIX* every variable so named. */
function unitEnv(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (v.includes('=')) out.push(v);
    else if (v.endsWith('*')) {
      for (const [k, val] of Object.entries(process.env)) if (k.startsWith(v.slice(0, -1)) && val !== undefined) out.push(`${k}=${val}`);
    } else if (process.env[v] !== undefined) out.push(`${v}=${process.env[v]}`);
  }
  return out;
}

function nonNegative(flags: ParsedFlags, name: string): number | undefined {
  if (!flags.changed(name)) return undefined;
  const n = flags.int(name)!;
  if (n < 0) throw new InvalidArgumentError(`invalid argument "${n}" for "--${name}" flag: strconv.ParseUint: parsing "${n}": invalid syntax`);
  return n;
}

export const command: CommandSpec = {
  use: 'systemd [options] {CONTAINER|POD}',
  short: 'Generate systemd units.',
  long: 'Generate systemd units for a pod or container.\n  The generated units can later be controlled via systemctl(1).',
  examples: ['skiff generate systemd CTR', 'skiff generate systemd --new --time 10 CTR', 'skiff generate systemd --files --name POD'],
  flags: [
    { name: 'after', type: 'stringArray', description: 'Add dependencies order to the generated unit file' },
    { name: 'container-prefix', type: 'string', default: 'container', description: 'Systemd unit name prefix for containers' },
    { name: 'env', short: 'e', type: 'stringArray', description: 'Set environment variables to the systemd unit files' },
    { name: 'files', short: 'f', type: 'bool', description: 'Generate .service files instead of printing to stdout' },
    { name: 'format', type: 'string', description: 'Print the created units in specified format (json)' },
    { name: 'name', short: 'n', type: 'bool', description: 'Use container/pod names instead of IDs' },
    { name: 'new', type: 'bool', description: 'Create a new container or pod instead of starting an existing one' },
    { name: 'no-header', type: 'bool', description: 'Skip header generation' },
    { name: 'pod-prefix', type: 'string', default: 'pod', description: 'Systemd unit name prefix for pods' },
    { name: 'requires', type: 'stringArray', description: 'Similar to wants, but declares stronger requirement dependencies' },
    { name: 'restart-policy', type: 'string', default: 'on-failure', description: 'Systemd restart-policy' },
    { name: 'restart-sec', type: 'int', description: 'Systemd restart-sec' },
    { name: 'separator', type: 'string', default: '-', description: 'Systemd unit name separator between name/id and prefix' },
    { name: 'start-timeout', type: 'int', description: 'Start timeout override' },
    { name: 'stop-timeout', type: 'int', default: 10, description: 'Stop timeout override' },
    { name: 'time', short: 't', type: 'int', description: 'Stop timeout override', hidden: true },
    { name: 'template', type: 'bool', description: 'Make it a template file and use %i and %I specifiers. Working only for containers' },
    { name: 'wants', type: 'stringArray', description: 'Add (weak) requirement dependencies to the generated unit file' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run(ctx, flags, args) {
    const format = flags.string('format');
    if (format !== undefined && format !== '' && format !== 'json') throw new InvalidArgumentError(`${format} is not a supported format`);
    const template = flags.bool('template');
    if (template && flags.changed('new') && !flags.bool('new')) throw new InvalidArgumentError('--template cannot be set with --new=false');
    const stopTimeout = flags.changed('time') ? nonNegative(flags, 'time') : nonNegative(flags, 'stop-timeout');
    const restartSec = nonNegative(flags, 'restart-sec');
    const startTimeout = nonNegative(flags, 'start-timeout');
    const engine = await ctx.engine();
    const unit = containerSystemdUnit(engine.containers, args[0]!, {
      executable: skiffExecutable(),
      version: skiffVersion,
      now: new Date(),
      useName: flags.bool('name'),
      new: flags.bool('new') || template,
      template,
      noHeader: flags.bool('no-header'),
      containerPrefix: flags.string('container-prefix') ?? 'container',
      separator: flags.string('separator') ?? '-',
      ...(flags.changed('restart-policy') ? { restartPolicy: flags.string('restart-policy')! } : {}),
      ...(restartSec !== undefined ? { restartSec } : {}),
      ...(startTimeout !== undefined ? { startTimeout } : {}),
      ...(stopTimeout !== undefined ? { stopTimeout } : {}),
      after: flags.array('after'),
      wants: flags.array('wants'),
      requires: flags.array('requires'),
      env: unitEnv(flags.array('env')),
    });
    let output: string = unit.text;
    if (flags.bool('files')) {
      const file = path.join(process.cwd(), `${unit.name}${template ? '@' : ''}.service`);
      fs.writeFileSync(file, unit.text, { mode: 0o644 });
      output = file;
    }
    if (format === 'json') ctx.out(`${marshalJSON({ [unit.name]: output }, { indent: ' ' })}\n`);
    else ctx.out(flags.bool('files') ? `${output}\n` : unit.text);
  },
};
