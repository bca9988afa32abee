/**
 * What the network e2e files share: free host ports, HTTP fetches with retries, the host's
 * firewall rules as text, and the machine's own non-loopback address.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { containerSkip } from './container-test-helpers.ts';

export const networkSkip: string | false =
  containerSkip || (!existsSync('/usr/lib/podman/netavark') && !existsSync('/usr/libexec/podman/netavark') ? 'needs netavark' : false);

function bindable(port: number, host = '0.0.0.0'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ port, host, exclusive: true }, () => {
      const bound = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(bound));
    });
  });
}

/** The first of `count` consecutive TCP ports free on every address. */
export async function freePorts(count = 1): Promise<number> {
  for (;;) {
    const start = await bindable(0);
    if (start + count > 65535) continue;
    let ok = true;
    for (let i = 1; i < count && ok; i++) ok = await bindable(start + i).then(() => true, () => false);
    if (ok) return start;
  }
}

export function httpGet(host: string, port: number, path = '/index.html'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path, timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

export async function retry<T>(fn: () => Promise<T>, tries = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= tries) throw err;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

/** iptables-save and nft's ruleset, as one text. */
export function firewall(): string {
  let text = '';
  for (const [cmd, args] of [['iptables-save', []], ['nft', ['list', 'ruleset']]] as const) {
    try {
      text += execFileSync(cmd, [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      // one of the two may be missing
    }
  }
  return text;
}

/**
 * Deletes the iptables rules that mention any of `needles`: a firewall flush that hits only
 * this test's container, so that parallel tests keep their own rules.
 */
export function deleteRulesMentioning(needles: readonly string[]): number {
  let deleted = 0;
  for (const table of ['nat', 'filter']) {
    const rules = execFileSync('iptables-save', ['-t', table], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter((l) => l.startsWith('-A ') && needles.some((n) => l.includes(n)));
    for (const rule of rules) {
      // iptables-save quotes comments; the argv needs them unquoted
      const argv = rule.slice(3).match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"|"$/g, ''));
      execFileSync('iptables', ['-t', table, '-D', ...argv]);
      deleted++;
    }
  }
  return deleted;
}

/** The machine's first IPv4 address outside loopback and container bridges. */
export function hostAddress(): string | undefined {
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    if (/^(podman|sk|cni|veth)/.test(name)) continue;
    const a = addrs?.find((x) => x.family === 'IPv4' && !x.internal && !/^10\.8[89]\./.test(x.address));
    if (a) return a.address;
  }
  return undefined;
}

export function linkExists(name: string): boolean {
  try {
    execFileSync('ip', ['link', 'show', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
