// The command line as a whole: help, unknown commands and flags, `version` and `info`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SkiffEnv, repoRoot } from '../helpers/skiff.ts';

const packageVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

const env = new SkiffEnv();
after(() => env.cleanup());

describe('help', () => {
  test('`help COMMAND` prints what `COMMAND --help` prints', async () => {
    for (const path of [['images'], ['image', 'ls'], ['system', 'df'], ['image'], []]) {
      const viaHelp = await env.run(['help', ...path]);
      const viaFlag = await env.run([...path, '--help']);
      assert.equal(viaHelp.code, 0, viaHelp.stderr);
      assert.equal(viaFlag.code, 0, viaFlag.stderr);
      assert.equal(viaHelp.stdout, viaFlag.stdout, path.join(' '));
    }
  });

  test('a command\'s help has its usage, aliases and options', async () => {
    const out = await env.runOk(['image', 'ls', '--help']);
    assert.match(out, /^List images in local storage\n\nDescription:\n {2}Lists images previously pulled to the system or created on the system\.\n\nUsage:\n {2}skiff image list \[options\] \[IMAGE\]\n\nAliases:\n {2}list, ls\n/);
    assert.match(out, /\n {2}-q, --quiet +Display only image IDs\n/);
    assert.match(out, /\n {6}--sort string +Sort by tag, created, id, repository, size \(default "created"\)\n/);
  });

  test('an unknown topic is reported on stderr with the usage', async () => {
    const r = await env.run(['help', 'bogus']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Unknown help topic \[`bogus`\]\nUsage:\n {2}skiff \[options\] \[command\]\n\nAvailable Commands:\n/);
    assert.match(await env.runOk(['help', 'image', 'bogus']), /^Manage images\n/);
  });
});

describe('errors', () => {
  test('an unknown command exits 125', async () => {
    const r = await env.run(['bogus']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [125, '', "Error: unrecognized command `skiff bogus`\nTry 'skiff --help' for more information\n"]);
    const sub = await env.run(['image', 'bogus']);
    assert.deepEqual([sub.code, sub.stderr], [125, "Error: unrecognized command `skiff image bogus`\nTry 'skiff image --help' for more information\n"]);
  });

  test('an unknown flag names the command\'s help', async () => {
    for (const [args, hint] of [[['images', '--bogus'], 'skiff images'], [['system', 'df', '--bogus'], 'skiff system df'], [['rmi', '--bogus', 'x'], 'skiff rmi']] as const) {
      const r = await env.run([...args]);
      assert.deepEqual([r.code, r.stdout, r.stderr], [125, '', `Error: unknown flag: --bogus\nSee '${hint} --help'\n`]);
    }
  });

  test('a flag without its value, and a bad boolean', async () => {
    const r = await env.run(['images', '--format']);
    assert.deepEqual([r.code, r.stderr], [125, "Error: flag needs an argument: --format\nSee 'skiff images --help'\n"]);
    const b = await env.run(['images', '--all=maybe']);
    assert.deepEqual([b.code, b.stderr], [125, 'Error: invalid argument "maybe" for "all" flag: strconv.ParseBool: parsing "maybe": invalid syntax\nSee \'skiff images --help\'\n']);
  });
});

describe('version', () => {
  test('prints the client block', async () => {
    const r = await env.run(['version']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'Client:        skiff Engine');
    assert.equal(lines[1], `Version:       ${packageVersion}`);
    assert.equal(lines[2], 'API Version:   4.3.1');
    assert.match(lines[3]!, /^Node Version: {2}v24\.\d+\.\d+$/);
    assert.match(lines[4]!, /^Built: {9}(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);
    assert.match(lines[5]!, /^OS\/Arch: {7}linux\/(amd64|arm64)$/);
    assert.deepEqual(lines.slice(6), ['']);
  });

  test('--format json and templates', async () => {
    const json = JSON.parse(await env.runOk(['version', '--format', 'json'])) as { Client: Record<string, unknown> };
    assert.equal(json.Client['Version'], packageVersion);
    assert.equal(json.Client['APIVersion'], '4.3.1');
    assert.equal(json.Client['Os'], 'linux');
    assert.equal(typeof json.Client['Built'], 'number');
    assert.equal(await env.runOk(['version', '--format', '{{.Client.Version}}']), `${packageVersion}\n`);
    assert.equal(await env.runOk(['version', '-f', '{{.Client.APIVersion}} {{.Client.OsArch}}']), `4.3.1 ${json.Client['OsArch']}\n`);
    // Formats written for a client/server layout or the old flat one work too, as with Podman.
    assert.equal(await env.runOk(['version', '--format', '{{.Server.Version}}']), `${packageVersion}\n`);
    assert.equal(await env.runOk(['version', '--format', '{{.Version}}']), `${packageVersion}\n`);
  });

  test('takes no arguments', async () => {
    const r = await env.run(['version', 'x']);
    assert.deepEqual([r.code, r.stderr], [125, 'Error: `skiff version` takes no arguments\n']);
  });
});

describe('--version', () => {
  test('bin/skiff answers it without Node, the launcher and the CLI the same way', async () => {
    const want = `skiff version ${packageVersion}\n`;
    for (const flag of ['--version', '-v']) assert.equal(await env.runOk([flag], { globalFlags: false }), want);
    assert.equal(readFileSync(join(repoRoot, 'bin/skiff'), 'utf8').match(/^  echo "(skiff version .*)"$/m)?.[1], want.trim());
    assert.equal(execFileSync(process.execPath, [join(repoRoot, 'dist/bin/skiff.cjs'), '--version'], { encoding: 'utf8' }), want);
    // after global flags the CLI answers
    assert.equal(await env.runOk(['--version']), want);
  });
});

describe('info', () => {
  test('prints YAML with the host, store, registries and version', async () => {
    const r = await env.run(['info']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^host:\n {2}arch: (amd64|arm64)\n/);
    for (const line of [
      `  graphRoot: ${env.root}\n`,
      `  runRoot: ${env.runroot}\n`,
      '  graphDriverName: overlay\n',
      '  imageStore:\n    number: 0\n',
      '  containerStore:\n    number: 0\n    paused: 0\n    running: 0\n    stopped: 0\n',
      '  APIVersion: 4.3.1\n',
      `  Version: ${packageVersion}\n`,
      '  GitCommit: ""\n',
      'registries: {}\n',
      '  os: linux\n',
    ]) {
      assert.ok(r.stdout.includes(line), `info lacks ${JSON.stringify(line)}:\n${r.stdout}`);
    }
    assert.match(r.stdout, /\n {2}ociRuntime:\n {4}name: (crun|runc)\n {4}path: \/\S+\n {4}version: \|-\n {6}(crun|runc) version /);
    assert.match(r.stdout, /\n {2}conmon:\n {4}path: \/\S+conmon\n {4}version: 'conmon version [\d.]+, commit: [^']*'\n/);
    const keys = [...r.stdout.matchAll(/^(\w+):/gm)].map((m) => m[1]);
    assert.deepEqual(keys, ['host', 'plugins', 'registries', 'store', 'version']);
  });

  test('--format json has Podman\'s field names', async () => {
    const info = JSON.parse(await env.runOk(['info', '--format', 'json'])) as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(info), ['host', 'store', 'registries', 'plugins', 'version']);
    assert.equal(info['store']!['graphRoot'], env.root);
    assert.equal(info['host']!['os'], 'linux');
    assert.equal(typeof info['host']!['memTotal'], 'number');
    assert.equal((info['host']!['security'] as Record<string, unknown>)['rootless'], false);
    assert.match(info['host']!['cgroupVersion'] as string, /^v[12]$/);
  });

  test('templates use Go field names', async () => {
    const out = await env.runOk(['info', '--format', '{{.Host.Arch}} {{.Store.GraphRoot}} {{.Store.ImageStore.Number}} {{.Version.APIVersion}} {{.Host.OCIRuntime.Name}}']);
    assert.match(out, new RegExp(`^(amd64|arm64) ${env.root} 0 4\\.3\\.1 (crun|runc)\\n$`));
  });

  test('lists the search registries of registries.conf', async () => {
    const other = new SkiffEnv();
    try {
      other.writeConfig('registries', 'unqualified-search-registries = ["registry.example.com", "docker.io"]\n');
      const yaml = await other.runOk(['info']);
      assert.ok(yaml.includes('registries:\n  search:\n  - registry.example.com\n  - docker.io\n'), yaml);
      assert.equal(await other.runOk(['info', '-f', '{{index .Registries "search"}}']), '[registry.example.com docker.io]\n');
      assert.equal(await other.runOk(['system', 'info', '-f', '{{range .Registries.search}}{{.}},{{end}}']), 'registry.example.com,docker.io,\n');
    } finally {
      await other.cleanup();
    }
  });

  test('takes no arguments', async () => {
    const r = await env.run(['info', 'x']);
    assert.deepEqual([r.code, r.stderr], [125, 'Error: `skiff info` takes no arguments\n']);
  });
});
