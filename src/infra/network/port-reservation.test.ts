import assert from 'node:assert/strict';
import { closeSync } from 'node:fs';
import { test } from 'node:test';
import { checkHostPorts, pickHostPorts } from './host-ports.ts';
import { reserveHostPorts } from './port-reservation.ts';

test('a reserved port is busy for everyone until its fds close', async () => {
  const port = (await pickHostPorts({ hostIp: '127.0.0.1', hostPort: 0, protocol: 'tcp', range: 2 }, new Set()))!;
  const ports = [{ hostIp: '127.0.0.1', hostPort: port, protocol: 'tcp' as const, range: 2 }, { hostIp: '', hostPort: port, protocol: 'udp' as const, range: 1 }];
  const fds = reserveHostPorts(ports);
  assert.equal(fds.length, 3);
  try {
    const busy = `cannot listen on the TCP port: listen tcp4 127.0.0.1:${port + 1}: bind: address already in use`;
    assert.throws(() => reserveHostPorts([{ ...ports[0]!, hostPort: port + 1, range: 1 }]), { message: busy });
    await assert.rejects(checkHostPorts([{ ...ports[0]!, hostPort: port + 1, range: 1 }]), { message: busy });
    await assert.rejects(checkHostPorts([ports[1]!]), { message: `cannot listen on the UDP port: listen udp4 :${port}: bind: address already in use` });
    // a failed reservation leaves none of its own sockets behind
    const other = { hostIp: '127.0.0.1', hostPort: (await pickHostPorts(ports[0]!, new Set([port, port + 1])))!, protocol: 'tcp' as const, range: 1 };
    assert.throws(() => reserveHostPorts([other, ports[0]!]), { message: `cannot listen on the TCP port: listen tcp4 127.0.0.1:${port}: bind: address already in use` });
    await checkHostPorts([other]);
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  await checkHostPorts(ports);
});
