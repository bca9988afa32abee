import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MissingProgramError, NetworkError } from '../../define/errors.ts';
import { findSlirp4netns } from './slirp4netns.ts';

test('a missing slirp4netns names its package', () => {
  assert.throws(() => findSlirp4netns('', { PATH: '/nonexistent' }), (err: unknown) => err instanceof MissingProgramError && /install the Debian package "slirp4netns"/.test(err.message));
  assert.throws(() => findSlirp4netns('/nonexistent/slirp4netns'), (err: unknown) => err instanceof NetworkError && /network_cmd_path.*"slirp4netns"/.test(err.message));
});
