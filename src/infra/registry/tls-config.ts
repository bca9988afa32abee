/**
 * TLS trust for a registry, as containers/image's certs.d handling: every `*.crt` in the
 * host's directory is an extra CA, a `*.cert`/`*.key` pair is the client certificate.
 * Directories: --cert-dir alone when given, else ~/.config/containers/certs.d/HOST (rootless),
 * /etc/containers/certs.d/HOST, /etc/docker/certs.d/HOST.
 */
import fs from 'node:fs';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { configContext, type ConfigOptions } from '../config/paths.ts';

export interface TlsSettings {
  /** false: self-signed and unknown certificates are accepted, and plain HTTP is tried. */
  verify: boolean;
  ca?: string[];
  cert?: Buffer;
  key?: Buffer;
}

function certDirs(host: string, certDir: string | undefined, opts: ConfigOptions): string[] {
  if (certDir) return [certDir];
  const ctx = configContext(opts);
  const dirs = [ctx.system(`/etc/containers/certs.d/${host}`), ctx.system(`/etc/docker/certs.d/${host}`)];
  if (ctx.rootless) dirs.unshift(path.join(ctx.configHome, 'containers/certs.d', host));
  return dirs;
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

export function tlsSettings(host: string, verify: boolean, certDir?: string, opts: ConfigOptions = {}): TlsSettings {
  const settings: TlsSettings = { verify };
  const extra: string[] = [];
  for (const dir of certDirs(host, certDir, opts)) {
    for (const name of listDir(dir)) {
      const file = path.join(dir, name);
      if (name.endsWith('.crt')) extra.push(fs.readFileSync(file, 'utf8'));
      else if (name.endsWith('.cert') && !settings.cert) {
        const key = path.join(dir, `${name.slice(0, -'.cert'.length)}.key`);
        settings.cert = fs.readFileSync(file);
        settings.key = fs.readFileSync(key);
      }
    }
  }
  // Node replaces the default roots when `ca` is set, so keep them alongside.
  if (extra.length) settings.ca = [...rootCertificates, ...extra];
  return settings;
}
