import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

/** Runs `code` in a child Node whose stdout is a pipe; `closeEarly` closes our end at once. */
function child(code: string, closeEarly: boolean): Promise<{ status: number | null; out: string; err: string }> {
  const script = `import { writeOut } from ${JSON.stringify(new URL('./stdio.ts', import.meta.url).href)};\n${code}`;
  const c = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  if (closeEarly) c.stdout.destroy();
  else c.stdout.on('data', (b: Buffer) => (out += b.toString()));
  c.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve) => c.on('close', (status) => resolve({ status, out, err })));
}

test('output goes out whole and in order, however large', async () => {
  const r = await child("writeOut(1, 'a'.repeat(300000)); writeOut(2, 'e'); writeOut(1, 'b\\n');", false);
  assert.deepEqual([r.status, r.out.length, r.out.endsWith('ab\n'), r.err], [0, 300002, true, 'e']);
});

test('a reader that went away ends the output quietly', async () => {
  const r = await child("for (let i = 0; i < 100; i++) writeOut(1, 'x'.repeat(100000)); writeOut(2, 'done');", true);
  assert.deepEqual([r.status, r.err], [0, 'done']);
});
