import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageConfig } from '../images/image-config.ts';
import { remoteCacheKey } from './layer-cache.ts';

const parent: ImageConfig = {
  architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: ['sha256:aa'] },
  history: [{ created: '2024-01-01T00:00:00Z', created_by: 'base' }],
};

test('the --cache-to tag of a step: parent layers and history, created_by, layer or not, format', () => {
  const key = remoteCacheKey({ parent, createdBy: '/bin/sh -c true', emptyLayer: false, format: 'oci' });
  assert.match(key, /^[0-9a-f]{64}$/);
  assert.equal(remoteCacheKey({ parent: structuredClone(parent), createdBy: '/bin/sh -c true', emptyLayer: false, format: 'oci' }), key);
  const other = [
    remoteCacheKey({ parent, createdBy: '/bin/sh -c false', emptyLayer: false, format: 'oci' }),
    remoteCacheKey({ parent, createdBy: '/bin/sh -c true', emptyLayer: true, format: 'oci' }),
    remoteCacheKey({ parent, createdBy: '/bin/sh -c true', emptyLayer: false, format: 'docker' }),
    remoteCacheKey({ parent: { ...parent, rootfs: { type: 'layers', diff_ids: ['sha256:bb'] } }, createdBy: '/bin/sh -c true', emptyLayer: false, format: 'oci' }),
    remoteCacheKey({ parent: { ...parent, history: [{ created: '2024-01-02T00:00:00Z', created_by: 'base' }] }, createdBy: '/bin/sh -c true', emptyLayer: false, format: 'oci' }),
  ];
  assert.equal(new Set([key, ...other]).size, 6);
});
