import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PortMapping } from './model.ts';
import { finalPortMappings, parseExpose, parsePublish, type PickHostPorts } from './port-mappings.ts';

const m = (hostPort: number, containerPort: number, range = 1, protocol: PortMapping['protocol'] = 'tcp', hostIp = ''): PortMapping => ({ hostIp, hostPort, containerPort, protocol, range });

test('-p specs as Podman reads them', () => {
  assert.deepEqual(parsePublish('127.0.0.1:8080:80/udp'), m(8080, 80, 1, 'udp', '127.0.0.1'));
  assert.deepEqual(parsePublish('80'), m(0, 80));
  assert.deepEqual(parsePublish(':80'), m(0, 80));
  assert.deepEqual(parsePublish('127.0.0.1::80'), m(0, 80, 1, 'tcp', '127.0.0.1'));
  assert.deepEqual(parsePublish('0.0.0.0:9200:80'), m(9200, 80));
  assert.deepEqual(parsePublish('8000-8002'), m(0, 8000, 3));
  assert.deepEqual(parsePublish('9000-9002:8000-8002'), m(9000, 8000, 3));
  assert.deepEqual(parsePublish('[::1]::80'), m(0, 80, 1, 'tcp', '::1'));
  assert.deepEqual(parsePublish('[::]:9400:80/SCTP'), m(9400, 80, 1, 'sctp', '::'));
});

test('bad -p specs get Podman\'s messages', () => {
  const bad: [string, string][] = [
    ['9000-9001:8000-8002', 'host and container port ranges have different lengths: 2 vs 3'],
    ['9400:80-81', 'host and container port ranges have different lengths: 1 vs 2'],
    ['80-', 'parsing container port: must provide ending number for port range'],
    ['-80', 'parsing container port: port numbers cannot be negative'],
    ['80:90:100', 'cannot parse "80" as an IP address'],
    ['abc', 'parsing container port: invalid port number: strconv.Atoi: parsing "abc": invalid syntax'],
    ['0', 'parsing container port: port numbers must be between 1 and 65535 (inclusive), got 0'],
    ['70000', 'parsing container port: port numbers must be between 1 and 65535 (inclusive), got 70000'],
    ['9300-9299:80', 'parsing host port: the end port of a range must be higher than the start port - 9299 is not higher than 9300'],
    ['80/foo', 'unrecognized protocol "foo" in port mapping'],
    ['80/tcp/udp', 'invalid port format - protocol can only be specified once'],
    ['1:2:3:4', 'invalid port format - format is [[hostIP:]hostPort:]containerPort'],
    ['::1:80:80', 'invalid port format - format is [[hostIP:]hostPort:]containerPort'],
    ['[::1]:80', 'invalid port format - must provide host and destination port if specifying an IP'],
    ['8080:', 'must provide a non-empty container port to publish'],
    [':8080:80', 'must provide a non-empty container host IP to publish'],
  ];
  for (const [spec, message] of bad) assert.throws(() => parsePublish(spec), { message }, spec);
});

test('--expose: ranges expanded, Podman\'s errors', () => {
  assert.deepEqual(parseExpose('8000-8002'), ['8000/tcp', '8001/tcp', '8002/tcp']);
  assert.deepEqual(parseExpose('90/UDP'), ['90/udp']);
  const bad: [string, string][] = [
    ['abc', 'invalid range format for --expose: abc: strconv.ParseUint: parsing "abc": invalid syntax'],
    ['9-5', 'invalid range format for --expose: 9-5: Invalid range specified for the Port: 9-5'],
    ['70000', 'invalid range format for --expose: 70000: strconv.ParseUint: parsing "70000": value out of range'],
    ['0', 'port numbers must be between 1 and 65535 (inclusive), got 0'],
    ['80/foo', 'validating protocols for exposed port 80: unrecognized protocol "foo" in port mapping'],
    ['80/tcp/udp', 'invalid expose format - protocol can only be specified once'],
  ];
  for (const [spec, message] of bad) assert.throws(() => parseExpose(spec), { message }, spec);
});

/** Hands out 40000, 40010, …: each call a fresh block, skipping used ports. */
function counter(): PickHostPorts {
  let next = 40000;
  return async (_p, used) => {
    while (used.has(next)) next += 10;
    const port = next;
    next += 10;
    return port;
  };
}

test('final mappings: joined ranges, random ranges, -P', async () => {
  assert.deepEqual(await finalPortMappings([m(8080, 80), m(8081, 81), m(8080, 80, 1, 'udp')], [], counter()), [m(8080, 80, 2), m(8080, 80, 1, 'udp')]);
  assert.deepEqual(await finalPortMappings([m(0, 8000, 3)], [], counter()), [m(40000, 8000, 3)]);
  assert.deepEqual(await finalPortMappings([m(0, 80), m(0, 80), m(9000, 90)], [], counter()), [m(9000, 90), m(40000, 80)]);
  assert.deepEqual(await finalPortMappings([m(0, 80, 1, 'tcp', '127.0.0.1')], ['80/tcp', '81/tcp', '81/udp'], counter()), [
    m(40000, 80, 1, 'tcp', '127.0.0.1'),
    m(40010, 81),
    m(40020, 81, 1, 'udp'),
  ]);
  await assert.rejects(finalPortMappings([m(8080, 80, 3), m(8081, 90)], [], counter()), { message: 'conflicting port mappings for host port 8081 (protocol tcp)' });
  await assert.rejects(finalPortMappings([m(0, 80, 2)], [], async () => undefined), { message: 'failed to find an open port to expose container port 80 with range 2 on the host' });
});
