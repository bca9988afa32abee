import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configuredListenAddresses, kernelSocketAddress, parseProcNetUdp, settleAardvark } from './aardvark-listeners.ts';

test('addresses in /proc/net/udp form: each 32-bit word little-endian, port in hex', () => {
  assert.equal(kernelSocketAddress('10.89.77.1', 53), '014D590A:0035');
  assert.equal(kernelSocketAddress('fd00::1', 53), '000000FD000000000000000001000000:0035');
  assert.equal(kernelSocketAddress('2001:db8:1:2::a', 5353), 'B80D012002000100000000000A000000:14E9');
});

test('/proc/net/udp: every socket inode of each local address', () => {
  const text = [
    '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
    '14949: 014D590A:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 13135592 2 00000000ddca600b 0',
    '14950: 014D590A:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 13135621 2 00000000ddca600c 0',
    '',
  ].join('\n');
  assert.deepEqual(parseProcNetUdp(text), new Map([['014D590A:0035', new Set(['13135592', '13135621'])]]));
});

test('what aardvark-dns will bind is the gateway line of each network file; a reload is over when every one has a new socket', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aardvark-'));
  try {
    mkdirSync(join(dir, 'aardvark-dns'));
    writeFileSync(join(dir, 'aardvark-dns', 'aardvark.pid'), `${process.pid}`);
    writeFileSync(join(dir, 'aardvark-dns', 'n1'), '10.89.1.1,fd00::1\nabc 10.89.1.2 fd00::2 web\n');
    writeFileSync(join(dir, 'aardvark-dns', 'n2'), '10.89.2.1 8.8.8.8\n');
    assert.deepEqual(configuredListenAddresses(dir, 53).sort(), ['0101590A:0035', '000000FD000000000000000001000000:0035', '0102590A:0035'].sort());
    // this process binds none of those addresses, so waiting for them gives up
    const started = Date.now();
    assert.equal(await settleAardvark(dir, 53, new Map(), true, 50), false);
    assert.ok(Date.now() - started >= 50);
    // an aardvark-dns that has ended is not waited for
    writeFileSync(join(dir, 'aardvark-dns', 'aardvark.pid'), '999999999');
    const early = Date.now();
    assert.equal(await settleAardvark(dir, 53, new Map(), true, 5000), false);
    assert.ok(Date.now() - early < 1000);
    writeFileSync(join(dir, 'aardvark-dns', 'aardvark.pid'), `${process.pid}`);
    rmSync(join(dir, 'aardvark-dns', 'n1'));
    rmSync(join(dir, 'aardvark-dns', 'n2'));
    assert.equal(await settleAardvark(dir, 53, new Map(), true, 50), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
