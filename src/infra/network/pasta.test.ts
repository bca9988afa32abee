import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError, MissingProgramError } from '../../define/errors.ts';
import { findPasta, pastaArgs } from './pasta.ts';

const base = { netnsPath: '/run/ns', pidFile: '/run/pasta.pid' };

test("no ports and no options: Podman's closed defaults", () => {
  assert.deepEqual(pastaArgs({ ...base, ports: [], options: [] }), ['--config-net', '-t', 'none', '-u', 'none', '-T', 'none', '-U', 'none', '--no-map-gw', '-P', '/run/pasta.pid', '--netns', '/run/ns']);
});

test('published ports become -t/-u, user options follow', () => {
  const args = pastaArgs({
    ...base,
    ports: [
      { hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp', range: 1 },
      { hostIp: '127.0.0.1', hostPort: 5000, containerPort: 6000, protocol: 'udp', range: 3 },
    ],
    options: ['--mtu', '1500', '--map-gw'],
  });
  assert.deepEqual(args, ['--config-net', '-t', '8080-8080:80-80', '-u', '127.0.0.1/5000-5002:6000-6002', '--mtu', '1500', '-T', 'none', '-U', 'none', '-P', '/run/pasta.pid', '--netns', '/run/ns']);
});

test('sctp and options skiff sets are refused', () => {
  assert.throws(() => pastaArgs({ ...base, ports: [{ hostIp: '', hostPort: 1, containerPort: 1, protocol: 'sctp', range: 1 }], options: [] }), InvalidArgumentError);
  assert.throws(() => pastaArgs({ ...base, ports: [], options: ['-f'] }), /pasta option -f cannot be used/);
});

test('a missing pasta names the passt package', () => {
  assert.throws(() => findPasta({ PATH: '/nonexistent' }), (err: unknown) => err instanceof MissingProgramError && /install the Debian package "passt"/.test(err.message));
});
