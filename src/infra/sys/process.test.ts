import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MissingProgramError, ProgramFailedError } from '../../define/errors.ts';
import { parseLimits, processAlive, readLimits, readLoginUid, runProgram } from './process.ts';

test('parseLimits reads /proc/<pid>/limits rows', () => {
  const text = [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max core file size        0                    unlimited            bytes     ',
    'Max processes             96365                96365                processes ',
    'Max open files            20000                20000                files     ',
  ].join('\n');
  assert.deepEqual(parseLimits(text), {
    RLIMIT_CORE: { soft: 0, hard: Infinity },
    RLIMIT_NPROC: { soft: 96365, hard: 96365 },
    RLIMIT_NOFILE: { soft: 20000, hard: 20000 },
  });
  assert.ok(readLimits().RLIMIT_NOFILE!.hard >= readLimits().RLIMIT_NOFILE!.soft);
});

test('runProgram returns output and types failures', async () => {
  assert.equal((await runProgram('/bin/sh', ['-c', 'cat; echo out'], { debianPackage: 'dash', input: 'in:' })).stdout, 'in:out\n');
  await assert.rejects(runProgram('/bin/sh', ['-c', 'echo bad >&2; exit 3'], { debianPackage: 'dash' }), (e: Error) => e instanceof ProgramFailedError && e.status === 3 && e.stderr === 'bad\n');
  await assert.rejects(runProgram('/nonexistent/prog', [], { debianPackage: 'prog-pkg' }), (e: Error) => e instanceof MissingProgramError && e.debianPackage === 'prog-pkg');
});

test('processAlive and readLoginUid', () => {
  assert.equal(processAlive(process.pid), true);
  assert.equal(processAlive(0), false);
  assert.equal(processAlive(2 ** 22 + 12345), false);
  assert.ok(Number.isInteger(readLoginUid()));
});
