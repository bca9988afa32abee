import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MNT_DETACH, umount2 } from '../sys/mount.ts';
import { idmapUnsupported, idmappedBind } from './idmap-mount.ts';
import { openMappedUserNamespace, readNamespaceMappings } from './idmap-userns.ts';

const skip = process.getuid?.() === 0 ? false : 'idmapped mounts need root';
const dir = mkdtempSync(join(tmpdir(), 'skiff-idmap-mount-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const maps = { uidMap: [{ containerID: 0, hostID: 100000, size: 65536 }], gidMap: [{ containerID: 0, hostID: 200000, size: 10 }] };

test('a namespace mapped as asked, whose mappings read back the same', { skip }, () => {
  const fd = openMappedUserNamespace(maps);
  try {
    assert.deepEqual(readNamespaceMappings(`/proc/${process.pid}/fd/${fd}`), maps);
  } finally {
    closeSync(fd);
  }
});

test('an idmapped, read-only view of a directory shows owners moved', { skip }, (t) => {
  const src = join(dir, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'f'), 'x');
  chownSync(join(src, 'f'), 1000, 5);
  const target = join(dir, 'view');
  const fd = openMappedUserNamespace(maps);
  try {
    idmappedBind(src, target, fd);
  } catch (err) {
    if (idmapUnsupported(err)) return t.skip(`no idmapped mounts here: ${(err as Error).message}`);
    throw err;
  } finally {
    closeSync(fd);
  }
  try {
    assert.equal(statSync(join(target, 'f')).uid, 101000);
    assert.equal(statSync(join(target, 'f')).gid, 200005);
    assert.throws(() => writeFileSync(join(target, 'g'), ''), { code: 'EROFS' });
  } finally {
    umount2(target, MNT_DETACH);
  }
});
