import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatAliases, recordShortNameAlias } from './short-name-aliases.ts';

test('formatted as Go\'s TOML encoder writes it: sorted, indented, keys quoted only when not bare', () => {
  assert.equal(formatAliases({ zeta: 'quay.io/z', 'ns/app': 'r.example/ns/app', a_b: 'x.io/"q"' }), '[aliases]\n  a_b = "x.io/\\"q\\""\n  "ns/app" = "r.example/ns/app"\n  zeta = "quay.io/z"\n');
});

test('recording keeps the other aliases, creates the directory 0700 and the file 0600', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-aliases-'));
  try {
    const file = join(dir, 'containers', 'short-name-aliases.conf');
    recordShortNameAlias(file, 'busybox', '127.0.0.1:5000/busybox');
    assert.equal(readFileSync(file, 'utf8'), '[aliases]\n  busybox = "127.0.0.1:5000/busybox"\n');
    assert.equal(statSync(join(dir, 'containers')).mode & 0o777, 0o700);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    writeFileSync(file, 'ignored = 1\n[aliases]\n"fedora" = "registry.fedoraproject.org/fedora"\nbusybox = "old/x"\n');
    recordShortNameAlias(file, 'busybox', 'docker.io/library/busybox');
    assert.equal(readFileSync(file, 'utf8'), '[aliases]\n  busybox = "docker.io/library/busybox"\n  fedora = "registry.fedoraproject.org/fedora"\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
