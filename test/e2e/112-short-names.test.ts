// Short names with several unqualified-search registries, as Podman resolves them: on a
// terminal (stdin and stdout) enforcing and permissive modes prompt, and the choice becomes
// an alias in short-name-aliases.conf; without one, enforcing refuses and permissive tries
// every registry; disabled never prompts. Terminals come from `script` (util-linux). The
// prompting runs are rootless, so the aliases file is the user's ($XDG_CACHE_HOME) and not
// the machine's /var/cache/containers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ociLayout } from '../helpers/fixtures.ts';
import { TestRegistry } from '../helpers/registry.ts';
import { SkiffEnv, skiffBin } from '../helpers/skiff.ts';
import { ensureUser, rootlessSkipReason, UserEnv } from './rootless-test-helpers.ts';

interface Run {
  code: number;
  out: string;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `argv` (optionally as `user`, with a clean environment) and calls `react` with the
 * output so far whenever more arrives, so it can type into stdin. stdout and stderr are
 * joined, as on a terminal.
 */
function drive(argv: string[], env: NodeJS.ProcessEnv, react?: (out: string, type: (keys: string) => void) => void): Promise<Run> {
  const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const type = (keys: string) => child.stdin.write(keys);
  const onData = (b: Buffer) => {
    out += b.toString('utf8');
    react?.(out, type);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code: code ?? -1, out: out.replace(/\r/g, '') });
    });
  });
}

/** `script` giving the command a terminal of 80 columns; its exit status is the command's. */
function onTerminal(command: string[], redirectStdout?: string): string[] {
  const line = `stty cols 80 rows 24; exec ${command.map(shellQuote).join(' ')}${redirectStdout ? ` >${shellQuote(redirectStdout)}` : ''}`;
  return ['script', '-qec', line, '/dev/null'];
}

const promptLabel = '\x1b[34m?\x1b[0m Please select an image: ';

describe('short names as root, without a prompt', () => {
  const env = new SkiffEnv();
  let registry: TestRegistry;
  const conf = (mode: string) => `short-name-mode = "${mode}"\nunqualified-search-registries = ["127.0.0.1:1", "${registry.host}"]\n[[registry]]\nlocation = "${registry.host}"\ninsecure = true\n`;

  before(async () => {
    registry = await TestRegistry.start();
    await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'skiffbox:1');
  });
  after(async () => {
    await env.cleanup();
    await registry.stop();
  });

  test('permissive without a terminal: every search registry in order, after Podman\'s "Resolving" line', async () => {
    env.writeConfig('registries', conf('permissive'));
    const r = await env.run(['pull', '--retry=0', 'skiffbox:1']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      `Resolving "skiffbox" using unqualified-search registries (${env.registriesConf})`,
      'Trying to pull 127.0.0.1:1/skiffbox:1...',
      `Trying to pull ${registry.host}/skiffbox:1...`,
    ]);
  });

  test('a short name that a local image answers to pulls that image\'s name: no search, even in enforcing mode', async () => {
    env.writeConfig('registries', conf('enforcing'));
    const r = await env.run(['pull', '--retry=0', 'skiffbox:1']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.startsWith(`Trying to pull ${registry.host}/skiffbox:1...\n`), r.stderr);
    assert.doesNotMatch(r.stderr, /Resolving|127\.0\.0\.1:1/);
  });

  test('enforcing needs stdin and stdout on a terminal: stdout to a file is refused', async () => {
    await env.runOk(['rmi', '-a', '-f']);
    env.writeConfig('registries', conf('enforcing'));
    const r = await drive(onTerminal([skiffBin, ...env.globalArgs(), 'pull', 'skiffbox:1'], join(env.dir, 'out')), { ...process.env, ...env.env } as NodeJS.ProcessEnv);
    assert.equal(r.code, 125);
    assert.equal(r.out, 'Error: short-name resolution enforced but cannot prompt without a TTY\n');
  });

  test('disabled on a terminal: no prompt, every search registry tried', async () => {
    await env.runOk(['rmi', '-a', '-f']);
    env.writeConfig('registries', conf('disabled'));
    const r = await drive(onTerminal([skiffBin, ...env.globalArgs(), 'pull', '--retry=0', 'skiffbox:1']), { ...process.env, ...env.env } as NodeJS.ProcessEnv);
    assert.equal(r.code, 0, r.out);
    assert.ok(!r.out.includes('Please select'), r.out);
    assert.ok(r.out.includes(`Trying to pull 127.0.0.1:1/skiffbox:1...\nTrying to pull ${registry.host}/skiffbox:1...\n`), r.out);
  });
});

const skip = rootlessSkipReason();

describe('short names on a terminal: the prompt and the recorded alias (rootless)', { skip, concurrency: false }, () => {
  let registry: TestRegistry;
  let user: UserEnv;
  let cacheHome = '';
  let aliasFile = '';
  let registriesConf = '';

  const userEnv = () => [
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `HOME=${user.user.home}`,
    `USER=${user.user.name}`,
    `XDG_RUNTIME_DIR=${user.runtimeDir}`,
    `XDG_DATA_HOME=${user.dataHome}`,
    `XDG_CONFIG_HOME=${user.configHome}`,
    `XDG_CACHE_HOME=${cacheHome}`,
    `CONTAINERS_REGISTRIES_CONF=${registriesConf}`,
  ];
  const asUser = (argv: string[], react?: (out: string, type: (keys: string) => void) => void) =>
    drive(['/usr/sbin/runuser', '-u', user.user.name, '--', 'env', '-i', ...userEnv(), ...argv], {}, react);

  before(async () => {
    registry = await TestRegistry.start();
    await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'skiffbox:1');
    await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'otherbox:1');
    user = new UserEnv(ensureUser('skiffshort'));
    cacheHome = join(user.dir, 'cache');
    mkdirSync(cacheHome, { mode: 0o700 });
    chownSync(cacheHome, user.user.uid, user.user.gid);
    aliasFile = join(cacheHome, 'containers', 'short-name-aliases.conf');
    registriesConf = join(user.dir, 'registries.conf');
    writeFileSync(registriesConf, `short-name-mode = "enforcing"\nunqualified-search-registries = ["127.0.0.1:1", "${registry.host}"]\n[[registry]]\nlocation = "${registry.host}"\ninsecure = true\n`, { mode: 0o644 });
  });
  after(async () => {
    await user?.cleanup();
    await registry?.stop();
  });

  test('enforcing: "? Please select an image:", ↓ and Enter pick the second registry; the choice is recorded', async () => {
    let typed = false;
    const r = await asUser(onTerminal([skiffBin, 'pull', 'skiffbox:1']), (out, type) => {
      if (!typed && out.includes(promptLabel)) {
        typed = true;
        type('\x1b[B\r');
      }
    });
    assert.equal(r.code, 0, r.out);
    const clear = '\x1b[2K';
    assert.ok(r.out.includes(`${clear}${promptLabel}\n${clear}  \x1b[1m▸\x1b[0m \x1b[4m127.0.0.1:1/skiffbox:1\x1b[0m\n${clear}    ${registry.host}/skiffbox:1\n`), JSON.stringify(r.out));
    assert.ok(r.out.includes(`\x1b[32m✔\x1b[0m \x1b[2m${registry.host}/skiffbox:1\x1b[0m\n`), JSON.stringify(r.out));
    assert.ok(r.out.includes(`Trying to pull ${registry.host}/skiffbox:1...\n`), r.out);
    assert.ok(!r.out.includes('Trying to pull 127.0.0.1:1/'), r.out);
    assert.equal(readFileSync(aliasFile, 'utf8'), `[aliases]\n  skiffbox = "${registry.host}/skiffbox"\n`);
  });

  test('the recorded alias then decides, with no prompt and no terminal', async () => {
    assert.equal((await asUser([skiffBin, 'rmi', 'skiffbox:1'])).code, 0);
    const r = await asUser([skiffBin, 'pull', 'skiffbox:1']);
    assert.equal(r.code, 0, r.out);
    assert.ok(r.out.startsWith(`Resolved "skiffbox" as an alias (${aliasFile})\nTrying to pull ${registry.host}/skiffbox:1...\n`), r.out);
  });

  test('Ctrl-C at the prompt abandons the pull: "Error: ^C", exit 125, nothing recorded', async () => {
    const before = readFileSync(aliasFile, 'utf8');
    let typed = false;
    const r = await asUser(onTerminal([skiffBin, 'pull', 'otherbox:1']), (out, type) => {
      if (!typed && out.includes(promptLabel)) {
        typed = true;
        type('\x03');
      }
    });
    assert.equal(r.code, 125, r.out);
    assert.ok(r.out.endsWith('Error: ^C\n'), JSON.stringify(r.out));
    assert.ok(!r.out.includes('Trying to pull'), r.out);
    assert.equal(readFileSync(aliasFile, 'utf8'), before);
    assert.ok(existsSync(`${aliasFile}.lock`));
  });
});
