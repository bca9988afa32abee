import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MissingProgramError } from '../../define/errors.ts';
import { findProgram, requireProgram } from './program-path.ts';

test('requireProgram finds a program on $PATH', () => {
  assert.equal(requireProgram('sh', 'dash', { PATH: '/bin' }), '/bin/sh');
  assert.equal(findProgram('no-such-program-here', { PATH: '/bin' }), undefined);
});

test('a missing newuidmap is a MissingProgramError naming the uidmap package', () => {
  assert.throws(
    () => requireProgram('newuidmap', 'uidmap', { PATH: '/nonexistent' }),
    (err: unknown) => err instanceof MissingProgramError && err.program === 'newuidmap' && /"uidmap"/.test(err.message),
  );
});
