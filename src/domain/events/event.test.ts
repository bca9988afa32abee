import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventFilter, humanReadable, normalizeEvent, type SkiffEvent } from './event.ts';

const ctr: SkiffEvent = { ID: 'a'.repeat(64), Image: 'localhost/bb:latest', Name: 'web', Status: 'start', Time: '2026-11-30T01:36:10.71816728Z', Type: 'container', Attributes: { z: '1', app: 'x' } };

test('Podman\'s human-readable lines, per event type', () => {
  assert.equal(humanReadable(ctr), `2026-11-30 01:36:10.71816728 +0000 UTC container start ${'a'.repeat(64)} (image=localhost/bb:latest, name=web, app=x, z=1)`);
  assert.equal(humanReadable(ctr, false), '2026-11-30 01:36:10.71816728 +0000 UTC container start aaaaaaaaaaaa (image=localhost/bb:latest, name=web, app=x, z=1)');
  assert.equal(humanReadable({ Name: 'localhost/bb', Status: 'pull', Time: '2026-11-30T01:36:10.5Z', Type: 'image', Attributes: null }), '2026-11-30 01:36:10.5 +0000 UTC image pull  localhost/bb');
  assert.equal(humanReadable({ Name: 'v', Status: 'create', Time: '2026-11-30T01:36:10Z', Type: 'volume', Attributes: null }), '2026-11-30 01:36:10 +0000 UTC volume create v');
  assert.equal(humanReadable({ ID: 'c1', Name: 'web', Network: 'n1', Status: 'connect', Time: '2026-11-30T01:36:10Z', Type: 'network', Attributes: null }), '2026-11-30 01:36:10 +0000 UTC network connect c1 (container=c1, name=n1)');
});

test('JSON in Go\'s field order, empty fields left out', () => {
  assert.equal(JSON.stringify(normalizeEvent({ Type: 'volume', Status: 'create', Name: 'v', Time: 't', Attributes: null, ID: '' })), '{"Name":"v","Status":"create","Time":"t","Type":"volume","Attributes":null}');
});

test('filters: keys AND\'ed, values of one key OR\'ed', () => {
  assert.ok(eventFilter(['event=start', 'event=stop'])(ctr));
  assert.ok(eventFilter(['container=web', 'type=container'])(ctr));
  assert.ok(eventFilter([`container=${'a'.repeat(12)}`])(ctr));
  assert.ok(eventFilter(['label=app=x', 'image=localhost/bb:latest'])(ctr));
  assert.ok(!eventFilter(['event=start', 'type=image'])(ctr));
  assert.ok(!eventFilter(['label=app=y'])(ctr));
  assert.throws(() => eventFilter(['type=bogus']), /unknown event type "bogus"/);
  assert.throws(() => eventFilter(['bogus=1']), /bogus is an invalid filter/);
});
