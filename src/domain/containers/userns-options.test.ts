import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../define/errors.ts';
import { defaultUserns, parseIdMap, parseUsernsFlags } from './userns-options.ts';

const rejects = (fn: () => unknown, message: string) => assert.throws(fn, (err: Error) => err instanceof InvalidArgumentError && err.message === message);

test('parseIdMap reads triplets, several per entry, and names the whole flag when malformed', () => {
  assert.deepEqual(parseIdMap(['0:100000:65536', '1:2:3:4:5:6'], 'UID'), [
    { containerID: 0, hostID: 100000, size: 65536 },
    { containerID: 1, hostID: 2, size: 3 },
    { containerID: 4, hostID: 5, size: 6 },
  ]);
  rejects(() => parseIdMap(['0:1:1', '0:x:1'], 'UID'), 'initializing ID mappings: UID setting is malformed expected ["uint32:uint32:uint32"]: ["0:1:1" "0:x:1"]');
  rejects(() => parseIdMap(['0:1:2:3'], 'GID'), 'initializing ID mappings: GID setting is malformed expected ["uint32:uint32:uint32"]: ["0:1:2:3"]');
  rejects(() => parseIdMap(['0:4294967296:1'], 'UID'), 'initializing ID mappings: UID setting is malformed expected ["uint32:uint32:uint32"]: ["0:4294967296:1"]');
});

test('--uidmap alone serves for gids too, and the other way round; --subuidname likewise', () => {
  assert.deepEqual(parseUsernsFlags({ uidmap: ['0:100000:10'] }, false), {
    kind: 'maps',
    uidMappings: [{ containerID: 0, hostID: 100000, size: 10 }],
    gidMappings: [{ containerID: 0, hostID: 100000, size: 10 }],
  });
  const g = parseUsernsFlags({ gidmap: ['0:5:1'], subuidname: 'c' }, false);
  assert.deepEqual(g, { kind: 'maps', uidMappings: [{ containerID: 0, hostID: 5, size: 1 }], gidMappings: [{ containerID: 0, hostID: 5, size: 1 }], subuidName: 'c', subgidName: 'c' });
});

test('--userns modes and their options', () => {
  assert.deepEqual(parseUsernsFlags({ userns: 'host' }, false), { kind: 'host' });
  assert.deepEqual(parseUsernsFlags({ userns: 'private' }, true), { kind: 'host' });
  assert.deepEqual(parseUsernsFlags({ userns: 'auto' }, false), { kind: 'auto', uidMappings: [], gidMappings: [] });
  assert.deepEqual(parseUsernsFlags({ userns: 'auto:size=2000,uidmapping=5000:1:10' }, false), {
    kind: 'auto',
    size: 2000,
    uidMappings: [{ containerID: 5000, hostID: 1, size: 10 }],
    gidMappings: [],
  });
  assert.deepEqual(parseUsernsFlags({ userns: 'keep-id:uid=5,gid=6' }, true), { kind: 'keep-id', uid: 5, gid: 6 });
  assert.deepEqual(parseUsernsFlags({ userns: 'nomap' }, true), { kind: 'nomap' });
  assert.deepEqual(parseUsernsFlags({ userns: 'ns:/proc/1/ns/user' }, false), { kind: 'path', path: '/proc/1/ns/user' });
});

test("Podman's errors for bad --userns input", () => {
  rejects(() => parseUsernsFlags({ userns: 'auto', uidmap: ['0:1:1'] }, false), '--userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive');
  rejects(() => parseUsernsFlags({ userns: 'keep-id' }, false), 'keep-id is only supported in rootless mode');
  rejects(() => parseUsernsFlags({ userns: 'nomap' }, false), 'nomap is only supported in rootless mode');
  rejects(() => parseUsernsFlags({ userns: 'auto:size=x' }, false), 'strconv.ParseUint: parsing "x": invalid syntax');
  rejects(() => parseUsernsFlags({ userns: 'auto:foo=1' }, false), 'unknown option specified: "foo"');
  rejects(() => parseUsernsFlags({ userns: 'auto:size' }, false), 'invalid option specified: "size"');
  rejects(() => parseUsernsFlags({ userns: 'bogus' }, false), 'unrecognized namespace mode bogus passed');
});

test('--userns=container:NAME asks to join that container; an empty name is no mode', () => {
  assert.deepEqual(parseUsernsFlags({ userns: 'container:web' }, false), { kind: 'container', container: 'web' });
  rejects(() => parseUsernsFlags({ userns: 'container:' }, false), 'unrecognized namespace mode container: passed');
});

test('containers.conf userns is the default only without --userns or a mapping flag', () => {
  assert.equal(defaultUserns({}, 'auto'), 'auto');
  assert.equal(defaultUserns({ userns: '' }, 'keep-id'), 'keep-id');
  assert.equal(defaultUserns({ userns: 'host' }, 'auto'), 'host');
  assert.equal(defaultUserns({ uidmap: ['0:1:1'] }, 'auto'), undefined);
  assert.equal(defaultUserns({}, 'host'), undefined);
  assert.equal(defaultUserns({}, 'private'), undefined);
  assert.equal(defaultUserns({}, ''), undefined);
});
