// Sixteen skiff processes tagging, untagging and removing names of the same images at once
// must each succeed or fail cleanly, and leave one consistent store behind.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { SkiffEnv, type RunResult } from '../helpers/skiff.ts';
import { importImage } from './image-test-helpers.ts';

const execFileP = promisify(execFile);
const loops = 16;
const rounds = 4;

const env = new SkiffEnv();
let ids: string[] = [];
let victim = '';
before(async () => {
  ids = [await importImage(env, 'alpha'), await importImage(env, 'beta')];
  victim = await importImage(env, 'victim');
});
after(() => env.cleanup());

/** Errors a command may meet when another process got there first. */
const raceErrors = [
  /^Error: [^\n]*: image not known\n$/,
  /^Error: localhost\/[^\n]*: tag not known\n$/,
];

function checkClean(args: string[], r: RunResult): void {
  const what = `skiff ${args.join(' ')} → ${r.code}\n${r.stdout}${r.stderr}`;
  if (r.code === 0) {
    assert.equal(r.stderr, '', what);
    return;
  }
  assert.ok([1, 125].includes(r.code), what);
  assert.ok(raceErrors.some((re) => re.test(r.stderr)), what);
}

test(`${loops} parallel tag/untag/rmi loops leave a consistent store`, async () => {
  const loop = async (i: number): Promise<void> => {
    const image = i % 2 === 0 ? 'alpha' : 'beta';
    for (let k = 0; k < rounds; k++) {
      const own = `loop${i}-${k}`;
      const steps: string[][] = [
        // every loop tags the victim, then tries to remove it by ID: one wins, the others find it gone
        ...(k === 0 ? [['tag', victim, `v${i}`]] : k === 1 ? [['rmi', '-f', victim]] : []),
        ['tag', image, own, 'shared:latest'],
        ['untag', image, own],
        ['tag', image, `${own}-b`],
        ['rmi', `${own}-b`],
        ['rmi', 'shared'],
      ];
      for (const args of steps) checkClean(args, await env.run(args));
    }
  };
  await Promise.all(Array.from({ length: loops }, (_, i) => loop(i)));

  const list = JSON.parse(await env.runOk(['images', '-a', '--format', 'json'])) as { Id: string; Names?: string[] }[];
  const owner = new Map<string, string>();
  for (const img of list) {
    for (const name of img.Names ?? []) {
      const prev = owner.get(name);
      assert.ok(prev === undefined || prev === img.Id, `${name} belongs to ${prev} and ${img.Id}`);
      owner.set(name, img.Id);
    }
  }
  assert.deepEqual([...new Set(list.map((i) => i.Id))].sort(), [...ids].sort(), 'alpha and beta are there, the victim is not');
  assert.equal(owner.get('localhost/alpha:latest'), ids[0]);
  assert.equal(owner.get('localhost/beta:latest'), ids[1]);
  for (const name of owner.keys()) assert.ok(!/loop\d+-\d+|\/v\d+:/.test(name), `${name} was untagged or removed`);

  const { stdout } = await execFileP('sqlite3', [join(env.root, 'skiff.db'), 'PRAGMA integrity_check']);
  assert.equal(stdout, 'ok\n');
});
