import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandKey, type CommandWords } from './command-key.ts';
import { commandWords } from './command-words.ts';
import { globalFlags } from './global-flags.ts';
import { commands, type CommandEntry } from './registry.ts';

const words: CommandWords = commandWords(commands, globalFlags);

test('the command an argv names, past global flags and their values', () => {
  assert.equal(commandKey(['run', '--rm', 'busybox', 'true'], words), 'run');
  assert.equal(commandKey(['--root', '/x', '--runroot=/y', '--log-level', 'debug', 'ps', '-a'], words), 'ps');
  assert.equal(commandKey(['container', 'ls'], words), 'container-list');
  assert.equal(commandKey(['container', 'ps'], words), 'container-list');
  assert.equal(commandKey(['network', 'create', 'ls'], words), 'network-create');
  assert.equal(commandKey(['image', 'busybox'], words), 'image');
  assert.equal(commandKey([], words), 'skiff');
  assert.equal(commandKey(['--help'], words), 'skiff');
  assert.equal(commandKey(['nosuch', 'run'], words), 'skiff');
  assert.equal(commandKey(['constructor'], words), 'skiff');
});

test('every command has a key of its own', () => {
  const keys = new Set<string>();
  const walk = (entries: readonly CommandEntry[], prefix: string[]) => {
    for (const e of entries) {
      const path = [...prefix, e.name];
      const key = commandKey(path, words);
      assert.equal(key, path.join('-'));
      assert.ok(!keys.has(key), key);
      keys.add(key);
      if (e.children) walk(e.children, path);
    }
  };
  walk(commands, []);
  assert.ok(keys.size > 100);
});
