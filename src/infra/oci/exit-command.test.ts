// The exit command's claim check, with the real sh and util-linux flock.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { deferringExitCommand } from './exit-command.ts';

describe('deferringExitCommand', { skip: existsSync('/usr/bin/flock') ? false : 'needs util-linux flock' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-exit-command-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const claim = join(dir, 'claim');
  const ran = join(dir, 'ran');

  function exitCommand(): ChildProcess {
    const [cmd, ...args] = deferringExitCommand(claim, ['touch', ran]);
    return spawn(cmd!, args, { stdio: 'ignore' });
  }
  const exited = (child: ChildProcess) => new Promise<number | null>((r) => child.on('close', r));

  /** A stand-in for the attached skiff: holds the claim locked until told to stop. */
  function holder(thenRemove: boolean): { release: () => void; done: Promise<number | null> } {
    writeFileSync(claim, '');
    const script = thenRemove ? 'read _; rm -f "$1"' : 'read _';
    const child = spawn('/usr/bin/flock', [claim, 'sh', '-c', script, 'sh', claim], { stdio: ['pipe', 'ignore', 'ignore'] });
    return { release: () => child.stdin!.end('\n'), done: exited(child) };
  }

  test('no claim: the cleanup runs at once', async () => {
    rmSync(ran, { force: true });
    assert.equal(await exited(exitCommand()), 0);
    assert.ok(existsSync(ran));
  });

  test('a claim whose owner finishes the cleanup: waits for it, then steps aside', async () => {
    rmSync(ran, { force: true });
    const owner = holder(true);
    await new Promise((r) => setTimeout(r, 100));
    const cmd = exitCommand();
    const cmdExit = exited(cmd);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(cmd.exitCode, null, 'still waiting for the owner');
    owner.release();
    await owner.done;
    assert.equal(await cmdExit, 0);
    assert.equal(existsSync(ran), false);
    assert.equal(existsSync(claim), false, 'the claim is not made again');
  });

  test('a claim whose owner goes without cleaning up: the cleanup runs and the claim goes', async () => {
    rmSync(ran, { force: true });
    const owner = holder(false);
    await new Promise((r) => setTimeout(r, 100));
    const cmdExit = exited(exitCommand());
    owner.release();
    await owner.done;
    assert.equal(await cmdExit, 0);
    assert.ok(existsSync(ran));
    assert.equal(existsSync(claim), false);
  });

  test('the cleanup command gets its arguments untouched by the shell', () => {
    const odd = join(dir, 'a b;$(touch pwned)');
    const [cmd, ...args] = deferringExitCommand(join(dir, 'none'), ['touch', odd]);
    assert.equal(spawnSync(cmd!, args).status, 0);
    assert.ok(existsSync(odd));
    assert.equal(existsSync('pwned'), false);
  });
});
