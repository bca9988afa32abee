/**
 * Network definitions on disk, as Podman keeps them: one `<name>.json` per network in the
 * network config directory, in netavark's format. Writes are atomic (temp file, then a hard
 * link that fails when the name exists, so two creators cannot both win). The default
 * network exists without a file until someone writes one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NameInUseError, NoSuchNetworkError } from '../../define/errors.ts';
import { defaultNetwork, type Network } from './network-definition.ts';

export class NetworkStore {
  readonly dir: string;
  readonly defaultName: string;
  readonly defaultSubnet: string;

  constructor(dir: string, defaultName: string, defaultSubnet: string) {
    this.dir = dir;
    this.defaultName = defaultName;
    this.defaultSubnet = defaultSubnet;
  }

  #file(name: string): string {
    return path.join(this.dir, `${name}.json`);
  }

  #read(file: string): Network | undefined {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as Network;
    } catch {
      return undefined;
    }
  }

  /** Every network, sorted by name; the default one included. */
  list(): Network[] {
    const out = new Map<string, Network>();
    let files: string[] = [];
    try {
      files = fs.readdirSync(this.dir).filter((f) => f.endsWith('.json'));
    } catch {
      // no directory yet: only the default network
    }
    for (const f of files) {
      const net = this.#read(path.join(this.dir, f));
      if (net?.name) out.set(net.name, net);
    }
    if (!out.has(this.defaultName)) out.set(this.defaultName, defaultNetwork(this.defaultName, this.defaultSubnet));
    return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** By exact name, full ID or unique ID prefix (Podman's order). */
  find(nameOrId: string): Network | undefined {
    const all = this.list();
    const byName = all.find((n) => n.name === nameOrId);
    if (byName) return byName;
    const byId = all.filter((n) => n.id.startsWith(nameOrId));
    return nameOrId.length > 0 && byId.length === 1 ? byId[0] : undefined;
  }

  get(nameOrId: string): Network {
    const net = this.find(nameOrId);
    if (!net) throw new NoSuchNetworkError(nameOrId);
    return net;
  }

  /** Writes a new network; NameInUseError when one by that name exists. */
  create(net: Network): void {
    if (this.find(net.name)?.name === net.name) throw new NameInUseError(`network name ${net.name} already used: network already exists`);
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    const tmp = path.join(this.dir, `.${net.name}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, `${JSON.stringify(net, null, '     ')}\n`, { mode: 0o644 });
    try {
      fs.linkSync(tmp, this.#file(net.name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new NameInUseError(`network name ${net.name} already used: network already exists`);
      throw err;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }

  remove(name: string): void {
    fs.rmSync(this.#file(name), { force: true });
  }
}
