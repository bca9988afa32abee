/**
 * `inspect` and `image inspect`. Each object type has a lookup; `--type all` tries them in
 * Podman's order (containers, then images, …) and takes the first that knows the name.
 * Container inspection joins the `lookups` table when the container engine has it.
 */
import { InvalidArgumentError, NoSuchContainerError, SkiffError } from '../../define/errors.ts';
import type { Engine } from '../../engine/engine.ts';
import type { CommandSpec } from '../command.ts';
import type { CliContext } from '../context.ts';
import { formatInspect } from '../format/printer.ts';

export type InspectType = 'image' | 'container' | 'pod' | 'network' | 'volume' | 'all';

/** Finds one object by name or ID: its inspect data, or an error saying it is not there. */
type Lookup = (engine: Engine, nameOrId: string) => { data: object } | { error: Error };

const lookups: Partial<Record<InspectType, Lookup>> = {
  container: (engine, nameOrId) => {
    try {
      return { data: engine.containers.inspect(nameOrId) };
    } catch (err) {
      return { error: err instanceof NoSuchContainerError ? new SkiffError(`no such container ${nameOrId}`) : (err as Error) };
    }
  },
  image: (engine, nameOrId) => {
    try {
      return { data: engine.images.inspect(nameOrId) };
    } catch (err) {
      return { error: err as Error };
    }
  },
  volume: (engine, name) => (engine.volumes.exists(name) ? { data: engine.volumes.inspect(name) } : { error: missing('volume', name) }),
  // the network store is loaded by inspectObjects before any lookup
  network: (engine, nameOrId) => {
    const net = engine.networks.store.find(nameOrId);
    return net ? { data: net } : { error: missing('network', nameOrId) };
  },
};

/** Podman's "not found" wording per type. */
function missing(type: InspectType, nameOrId: string): Error {
  return type === 'network'
    ? new SkiffError(`network ${nameOrId}: unable to find network with name or ID ${nameOrId}: network not found`)
    : new SkiffError(`no such ${type} ${nameOrId}`);
}

const allOrder: InspectType[] = ['container', 'image', 'volume', 'network', 'pod'];

/** The names to inspect: the arguments, or with --latest the newest container. */
export async function inspectTargets(ctx: CliContext, args: string[], latest: boolean): Promise<string[]> {
  if (latest) {
    if (args.length) throw new InvalidArgumentError('--latest and arguments cannot be used together');
    const newest = (await ctx.engine()).containers.latest();
    if (!newest) {
      ctx.out('[]\n');
      throw new SkiffError('inspecting object: no containers to inspect: no such container');
    }
    return [newest.config.id];
  }
  if (!args.length) throw new InvalidArgumentError('no names or ids specified');
  return args;
}

export interface InspectOptions {
  type: InspectType;
  format?: string | undefined;
}

/**
 * Inspects every name, prints what was found (an empty JSON array when nothing was), then
 * fails naming the first miss, as Podman does (the others go to stderr before it).
 */
export async function inspectObjects(ctx: CliContext, names: string[], opts: InspectOptions): Promise<void> {
  const engine = await ctx.engine();
  if (opts.type === 'network' || opts.type === 'all') await engine.networks.load();
  if (opts.type === 'container' || opts.type === 'all') for (const name of names) await engine.containers.refresh(name);
  const data: object[] = [];
  const errors: Error[] = [];
  for (const name of names) {
    if (opts.type === 'all') {
      const found = allOrder.map((t) => lookups[t]?.(engine, name)).find((r) => r && 'data' in r);
      if (found && 'data' in found) data.push(found.data);
      else errors.push(new SkiffError(`no such object: "${name}"`));
      continue;
    }
    const lookup = lookups[opts.type];
    const result = lookup ? lookup(engine, name) : { error: missing(opts.type, name) };
    if ('data' in result) data.push(result.data);
    else errors.push(result.error);
  }
  ctx.out(formatInspect(data, opts.format, { type: opts.type === 'all' ? undefined : opts.type }));
  if (errors.length) {
    for (const err of errors.slice(1)) ctx.err(`error inspecting object: ${err.message}\n`);
    throw new SkiffError(`inspecting object: ${errors[0]!.message}`);
  }
}

const types: InspectType[] = ['image', 'container', 'pod', 'network', 'volume', 'all'];

export const command: CommandSpec = {
  use: 'inspect [options] {CONTAINER|IMAGE|POD|NETWORK|VOLUME} [...]',
  short: 'Display the configuration of object denoted by ID',
  long: 'Displays the low-level information on an object identified by name or ID.\nFor more inspection options, see:\n\n    skiff image inspect',
  examples: ['skiff inspect fedora', 'skiff inspect --type image fedora', 'skiff inspect CtrID ImgID', 'skiff inspect --format "imageId: {{.Id}} size: {{.Size}}" fedora'],
  flags: [
    { name: 'format', short: 'f', type: 'string', default: 'json', description: 'Format the output to a Go template or json' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
    { name: 'size', short: 's', type: 'bool', description: 'Display total file size' },
    { name: 'type', short: 't', type: 'string', default: 'all', description: 'Specify inspect-object type' },
  ],
  async run(ctx, flags, args) {
    const type = flags.string('type') ?? 'all';
    if (!types.includes(type as InspectType)) {
      throw new InvalidArgumentError(`invalid type "${type}": must be "image", "container", "pod", "network", "volume", or "all"`);
    }
    args = await inspectTargets(ctx, args, flags.bool('latest'));
    await inspectObjects(ctx, args, { type: type as InspectType, format: flags.string('format') });
  },
};
