/**
 * A private image registry for one test file: Debian's docker-registry (the CNCF
 * distribution registry) on 127.0.0.1 with its storage under a temp dir, optionally behind
 * basic auth. Plain HTTP, so skiff needs `--tls-verify=false` (or an insecure registries.conf
 * entry) to talk to it.
 *
 *   const registry = await TestRegistry.start();
 *   after(() => registry.stop());
 *   await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'busybox:latest');
 *   await env.runOk(['pull', '--tls-verify=false', `${registry.host}/busybox:latest`]);
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tool } from './tools.ts';

export interface RegistryOptions {
  /** Require basic auth with this one user (bcrypt htpasswd, as distribution wants). */
  auth?: { user: string; password: string };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).on('error', reject));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class TestRegistry {
  /** `127.0.0.1:PORT`, the registry part of image references. */
  readonly host: string;
  readonly dir: string;
  readonly auth: RegistryOptions['auth'];
  #child: ChildProcess;
  #log: string[];

  private constructor(host: string, dir: string, auth: RegistryOptions['auth'], child: ChildProcess, log: string[]) {
    this.host = host;
    this.dir = dir;
    this.auth = auth;
    this.#child = child;
    this.#log = log;
  }

  /** Starts a registry and resolves once it answers on /v2/. */
  static async start(options: RegistryOptions = {}): Promise<TestRegistry> {
    const dir = await mkdtemp(join(tmpdir(), 'skiff-registry-'));
    const host = `127.0.0.1:${await freePort()}`;
    const config = [
      'version: 0.1',
      'log:', '  level: error', '  accesslog:', '    disabled: true',
      'storage:', `  filesystem:`, `    rootdirectory: ${join(dir, 'storage')}`, '  delete:', '    enabled: true',
      'http:', `  addr: ${host}`,
    ];
    if (options.auth) {
      const line = await tool('htpasswd', ['-Bbn', options.auth.user, options.auth.password]);
      await writeFile(join(dir, 'htpasswd'), line.trim() + '\n');
      config.push('auth:', '  htpasswd:', '    realm: skiff-test', `    path: ${join(dir, 'htpasswd')}`);
    }
    const configFile = join(dir, 'config.yml');
    await writeFile(configFile, config.join('\n') + '\n');
    const child = spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    child.stdout!.on('data', (b: Buffer) => log.push(b.toString()));
    child.stderr!.on('data', (b: Buffer) => log.push(b.toString()));
    const registry = new TestRegistry(host, dir, options.auth, child, log);
    const spawnError = new Promise<never>((_, reject) => child.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new Error('docker-registry is not installed (Debian package docker-registry)') : e);
    }));
    await Promise.race([registry.#waitReady(), spawnError]).catch(async (e: unknown) => {
      await registry.stop();
      throw e;
    });
    return registry;
  }

  async #waitReady(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (this.#child.exitCode !== null) throw new Error(`docker-registry exited ${this.#child.exitCode}: ${this.#log.join('')}`);
      // The body is read so the connection does not hold the test process open afterwards.
      const status = await fetch(`http://${this.host}/v2/`).then(async (r) => (await r.arrayBuffer(), r.status), () => 0);
      if (status === 200 || status === 401) return;
      await sleep(50);
    }
    throw new Error(`docker-registry did not answer on ${this.host} within 5 s: ${this.#log.join('')}`);
  }

  /** `--creds`/`--dest-creds` style user:password, when the registry has auth. */
  creds(): string | undefined {
    return this.auth ? `${this.auth.user}:${this.auth.password}` : undefined;
  }

  /** Copies an image into the registry with skopeo (something skiff did not write) as `name` (repo:tag). */
  async seed(source: string, name: string): Promise<string> {
    const dest = `docker://${this.host}/${name}`;
    const creds = this.creds();
    await tool('skopeo', ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false',
      ...(creds ? ['--dest-creds', creds] : []), source, dest]);
    return `${this.host}/${name}`;
  }

  /** `skopeo inspect` of an image in the registry, parsed (to check what skiff pushed). */
  async inspect(name: string, raw = false): Promise<unknown> {
    const creds = this.creds();
    const out = await tool('skopeo', ['inspect', '--tls-verify=false', ...(raw ? ['--raw'] : []),
      ...(creds ? ['--creds', creds] : []), `docker://${this.host}/${name}`]);
    return JSON.parse(out) as unknown;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000, undefined, { ref: false }).then(() => child.kill('SIGKILL'))]);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
