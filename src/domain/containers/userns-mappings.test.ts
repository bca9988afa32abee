import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../define/errors.ts';
import {
  allocateAutoMappings, autoNamespaceSize, checkMappings, hostRangesInNamespace, nomapMappings, passwdFilesSize, subidMappings, subtractIntervals, toContainer, toHost,
} from './userns-mappings.ts';

const m = (containerID: number, hostID: number, size: number) => ({ containerID, hostID, size });
const rejects = (fn: () => unknown, message: string) => assert.throws(fn, (err: Error) => err instanceof InvalidArgumentError && err.message === message);

test('toHost and toContainer translate through the mappings', () => {
  const maps = [m(0, 100000, 1000), m(1000, 5, 1)];
  assert.equal(toHost(999, maps), 100999);
  assert.equal(toHost(1000, maps), 5);
  assert.equal(toHost(1001, maps), undefined);
  assert.equal(toContainer(100001, maps), 1);
  assert.equal(toContainer(4, maps), undefined);
});

test('checkMappings: overlapping container or host ranges, and an unmapped root, are refused', () => {
  checkMappings({ uidMap: [m(0, 100000, 65536)], gidMap: [m(0, 100000, 10), m(10, 300000, 5)] });
  const conflict = (text: string) => `creating container storage: the specified UID and/or GID mapping ${text} conflicts with other mappings: invalid mappings specified`;
  rejects(() => checkMappings({ uidMap: [m(0, 100000, 65536), m(10, 200000, 10)], gidMap: [m(0, 1, 1)] }), conflict('10:200000:10'));
  rejects(() => checkMappings({ uidMap: [m(0, 1, 1)], gidMap: [m(0, 100000, 10), m(20, 100005, 10)] }), conflict('20:100005:10'));
  rejects(() => checkMappings({ uidMap: [m(0, 100000, 0)], gidMap: [m(0, 1, 1)] }), 'container ID 0 cannot be mapped to a host ID');
});

test('subidMappings numbers container ids from 0 across ranges; rootless sees them through its namespace', () => {
  const maps = subidMappings([{ start: 100000, count: 10 }, { start: 300000, count: 5 }]);
  assert.deepEqual(maps, [m(0, 100000, 10), m(10, 300000, 5)]);
  const ns = [m(0, 1000, 1), m(1, 100000, 65536)];
  assert.deepEqual(hostRangesInNamespace([m(0, 100005, 10)], ns, 'UID'), [m(0, 6, 10)]);
  assert.deepEqual(hostRangesInNamespace([m(0, 100000, 65537)], ns, 'UID'), [m(0, 1, 65536)]);
  rejects(() => hostRangesInNamespace([m(0, 200000, 10)], ns, 'UID'), "UID 200000 is not mapped in the rootless user namespace: the named ranges must be among the user's own");
});

test('nomap: every namespace id but the user', () => {
  assert.deepEqual(nomapMappings(65537), [m(0, 1, 65536)]);
  rejects(() => nomapMappings(1), 'nomap requires additional UIDs or GIDs defined in /etc/subuid and /etc/subgid to function correctly');
});

test('auto sizes: as asked, else the image within min and max', () => {
  assert.equal(autoNamespaceSize({ requested: 2000, fromImage: 70000 }), 2000);
  assert.equal(autoNamespaceSize({ fromImage: 1001 }), 1024);
  assert.equal(autoNamespaceSize({ fromImage: 5000 }), 5000);
  assert.equal(autoNamespaceSize({ fromImage: 10, min: 0 }), 10);
  rejects(() => autoNamespaceSize({ fromImage: 70000 }), 'the container needs a user namespace with size 70000 that is bigger than the maximum value allowed with userns=auto 65536');
});

test('passwdFilesSize: the highest id named, +1, nobody left out', () => {
  const passwd = 'root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n';
  assert.equal(passwdFilesSize(passwd, 'root:x:0:\nstaff:x:50:\nnogroup:x:65534:\n'), 1002);
  assert.equal(passwdFilesSize('', 'big:x:3000:\n'), 3001);
});

test('subtractIntervals leaves the gaps', () => {
  assert.deepEqual(subtractIntervals([{ start: 0, end: 100 }], [{ start: 10, end: 20 }, { start: 90, end: 200 }]), [
    { start: 0, end: 10 },
    { start: 20, end: 90 },
  ]);
});

test('auto allocation: the first free host ids, spanning gaps; additional mappings kept and avoided', () => {
  const available = [{ start: 100000, end: 165536 }];
  assert.deepEqual(allocateAutoMappings({ size: 1024, available, used: [], additional: [] }), [m(0, 100000, 1024)]);
  assert.deepEqual(allocateAutoMappings({ size: 1024, available, used: [m(0, 100000, 1024)], additional: [] }), [m(0, 101024, 1024)]);
  assert.deepEqual(allocateAutoMappings({ size: 10, available: [{ start: 1, end: 6 }, { start: 20, end: 30 }], used: [], additional: [] }), [m(0, 1, 5), m(5, 20, 5)]);
  assert.deepEqual(allocateAutoMappings({ size: 10, available: [{ start: 100, end: 200 }], used: [], additional: [m(5, 100, 2)] }), [
    m(0, 102, 5),
    m(7, 107, 3),
    m(5, 100, 2),
  ]);
  rejects(() => allocateAutoMappings({ size: 2000, available: [{ start: 1, end: 1000 }], used: [], additional: [] }), 'creating container storage: could not find enough available IDs');
});
