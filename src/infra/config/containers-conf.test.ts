import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { configTree } from './fixture.test.ts';
import { ConfigError } from '../../define/errors.ts';
import { loadContainersConf } from './containers-conf.ts';
import type { HostFacts, LoadContainersConfOptions } from './containers-conf.ts';

const host: HostFacts = { systemd: false, cgroup2: false, selinux: false, seccompOverride: false, sessionBus: false };

function fixture(t: TestContext) {
  const tree = configTree(t, 'containers-conf');
  const { root, home } = tree;
  return {
    ...tree,
    opts(env: NodeJS.ProcessEnv = {}, extra: LoadContainersConfOptions = {}): LoadContainersConfOptions {
      return { systemRoot: root, rootless: false, env: { HOME: home, ...env }, host, ...extra };
    },
  };
}

test('built-in defaults when no file exists', (t) => {
  const f = fixture(t);
  const conf = loadContainersConf(f.opts());
  assert.deepEqual(conf.files, []);
  assert.deepEqual(conf.containers.defaultCapabilities, [
    'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_NET_BIND_SERVICE',
    'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT',
  ]);
  assert.equal(conf.containers.pidsLimit, 2048);
  assert.equal(conf.containers.shmSize, '65536k');
  assert.equal(conf.containers.logDriver, 'k8s-file');
  assert.equal(conf.containers.ipcns, 'shareable');
  assert.equal(conf.containers.cgroupns, 'host');
  assert.equal(conf.containers.umask, '0022');
  assert.deepEqual(conf.containers.defaultUlimits, []);
  assert.equal(conf.containers.seccompProfile, join(f.root, '/usr/share/containers/seccomp.json'));
  assert.equal(conf.network.networkBackend, 'netavark');
  assert.equal(conf.network.defaultNetwork, 'podman');
  assert.equal(conf.network.defaultSubnet, '10.88.0.0/16');
  assert.deepEqual(conf.network.defaultSubnetPools[0], { base: '10.89.0.0/16', size: 24 });
  assert.equal(conf.engine.eventsLogger, 'file');
  assert.equal(conf.engine.cgroupManager, 'cgroupfs');
  assert.equal(conf.engine.stopTimeout, 10);
  assert.equal(conf.engine.numLocks, 2048);
  assert.equal(conf.engine.runtime, '');
  assert.equal(conf.engine.runtimes.crun![0], '/usr/bin/crun');
  assert.equal(conf.engine.runtimes.runc![0], '/usr/bin/runc');
  assert.ok(conf.engine.conmonPath.includes('/usr/bin/conmon'));
  assert.equal(conf.engine.imageDefaultTransport, 'docker://');
  assert.equal(conf.engine.pullPolicy, 'missing');
});

test('defaults follow the host facts', (t) => {
  const f = fixture(t);
  const conf = loadContainersConf(f.opts({}, { host: { ...host, systemd: true, cgroup2: true, seccompOverride: true } }));
  assert.equal(conf.engine.cgroupManager, 'systemd');
  assert.equal(conf.engine.eventsLogger, 'journald');
  assert.equal(conf.containers.cgroupns, 'private');
  assert.equal(conf.containers.seccompProfile, join(f.root, '/etc/containers/seccomp.json'));
});

test('rootless without a session bus falls back to cgroupfs', (t) => {
  const f = fixture(t);
  const facts = { ...host, systemd: true };
  assert.equal(loadContainersConf(f.opts({}, { rootless: true, host: facts })).engine.cgroupManager, 'cgroupfs');
  const withBus = { ...facts, sessionBus: true };
  assert.equal(loadContainersConf(f.opts({}, { rootless: true, host: withBus })).engine.cgroupManager, 'systemd');
});

test('system files in order: /usr/share, /etc, /etc .d in sorted order; user file only rootless', (t) => {
  const f = fixture(t);
  const share = f.write('usr/share/containers/containers.conf', '[containers]\npids_limit = 1\nlog_tag = "share"\n');
  const etc = f.write('etc/containers/containers.conf', '[containers]\npids_limit = 2\n');
  const d2 = f.write('etc/containers/containers.conf.d/20-b.conf', '[containers]\nshm_size = "2m"\n');
  const d1 = f.write('etc/containers/containers.conf.d/10-a.conf', '[containers]\nshm_size = "1m"\ntz = "UTC"\n');
  f.write('etc/containers/containers.conf.d/30-c.txt', '[containers]\nshm_size = "3m"\n');
  f.write('etc/containers/containers.conf.d/sub/40-d.conf', '[containers]\nshm_size = "4m"\n');
  f.write('home/user/.config/containers/containers.conf', '[containers]\npids_limit = 3\n');

  const conf = loadContainersConf(f.opts());
  assert.deepEqual(conf.files, [share, etc, d1, d2]);
  assert.equal(conf.containers.pidsLimit, 2);
  assert.equal(conf.containers.logTag, 'share');
  assert.equal(conf.containers.shmSize, '2m');
  assert.equal(conf.containers.tz, 'UTC');
});

test('rootless reads $XDG_CONFIG_HOME/containers/containers.conf and its .d last', (t) => {
  const f = fixture(t);
  f.write('etc/containers/containers.conf', '[containers]\npids_limit = 2\ntz = "etc"\n');
  const user = f.write('xdg/containers/containers.conf', '[containers]\npids_limit = 3\n');
  const userD = f.write('xdg/containers/containers.conf.d/a.conf', '[engine]\nstop_timeout = 42\n');
  f.write('home/user/.config/containers/containers.conf', '[containers]\npids_limit = 99\n');

  const conf = loadContainersConf(f.opts({ XDG_CONFIG_HOME: join(f.root, 'xdg') }, { rootless: true }));
  assert.deepEqual(conf.files.slice(-2), [user, userD]);
  assert.equal(conf.containers.pidsLimit, 3);
  assert.equal(conf.containers.tz, 'etc');
  assert.equal(conf.engine.stopTimeout, 42);

  const noXdg = loadContainersConf(f.opts({}, { rootless: true }));
  assert.equal(noXdg.containers.pidsLimit, 99);
});

test('CONTAINERS_CONF replaces every other file; CONTAINERS_CONF_OVERRIDE comes last', (t) => {
  const f = fixture(t);
  f.write('etc/containers/containers.conf', '[containers]\npids_limit = 2\ntz = "etc"\n');
  const only = f.write('only.conf', '[containers]\npids_limit = 5\n');
  const override = f.write('override.conf', '[containers]\npids_limit = 6\n');

  const conf = loadContainersConf(f.opts({ CONTAINERS_CONF: only }));
  assert.deepEqual(conf.files, [only]);
  assert.equal(conf.containers.pidsLimit, 5);
  assert.equal(conf.containers.tz, '');

  const both = loadContainersConf(f.opts({ CONTAINERS_CONF: only, CONTAINERS_CONF_OVERRIDE: override }));
  assert.deepEqual(both.files, [only, override]);
  assert.equal(both.containers.pidsLimit, 6);

  const onTopOfSystem = loadContainersConf(f.opts({ CONTAINERS_CONF_OVERRIDE: override }));
  assert.equal(onTopOfSystem.containers.pidsLimit, 6);
  assert.equal(onTopOfSystem.containers.tz, 'etc');

  assert.throws(() => loadContainersConf(f.opts({ CONTAINERS_CONF: join(f.root, 'missing.conf') })), ConfigError);
});

test('tables merge key by key, arrays replace, map tables merge by entry', (t) => {
  const f = fixture(t);
  f.write(
    'usr/share/containers/containers.conf',
    '[containers]\ndefault_sysctls = ["a=1", "b=2"]\n\n[engine.runtimes]\nmyrt = ["/opt/myrt"]\n\n[engine.volume_plugins]\np1 = "/run/p1.sock"\n',
  );
  f.write(
    'etc/containers/containers.conf',
    '[containers]\ndefault_sysctls = ["c=3"]\ndefault_capabilities = ["chown", "CAP_KILL"]\n\n[engine]\nruntime = "runc"\n[engine.runtimes]\ncrun = ["/opt/crun"]\n[engine.volume_plugins]\np2 = "/run/p2.sock"\n',
  );
  const conf = loadContainersConf(f.opts());
  assert.deepEqual(conf.containers.defaultSysctls, ['c=3']);
  assert.deepEqual(conf.containers.defaultCapabilities, ['CAP_CHOWN', 'CAP_KILL']);
  assert.equal(conf.engine.runtime, 'runc');
  assert.deepEqual(conf.engine.runtimes.myrt, ['/opt/myrt']);
  assert.deepEqual(conf.engine.runtimes.crun, ['/opt/crun']);
  assert.deepEqual(conf.engine.runtimes.runc![0], '/usr/bin/runc');
  assert.deepEqual(conf.engine.volumePlugins, { p1: '/run/p1.sock', p2: '/run/p2.sock' });
});

test('unknown keys and tables are ignored; structured values parse', (t) => {
  const f = fixture(t);
  f.write(
    'etc/containers/containers.conf',
    [
      '[containers]',
      'no_such_option = 1',
      'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
      '[machine]',
      'cpus = 4',
      '[network]',
      'default_subnet_pools = [{"base" = "10.1.0.0/16", "size" = 24}]',
      'dns_bind_port = 5353',
      '[engine.service_destinations.prod]',
      'uri = "ssh://root@host/run/podman/podman.sock"',
      '[secrets.opts]',
      'root = "/x"',
      '',
    ].join('\n'),
  );
  const conf = loadContainersConf(f.opts());
  assert.deepEqual(conf.containers.defaultUlimits, ['nofile=20000:20000', 'nproc=32768:32768']);
  assert.deepEqual(conf.network.defaultSubnetPools, [{ base: '10.1.0.0/16', size: 24 }]);
  assert.equal(conf.network.dnsBindPort, 5353);
  assert.deepEqual(conf.engine.serviceDestinations, { prod: { uri: 'ssh://root@host/run/podman/podman.sock', identity: '' } });
  assert.deepEqual(conf.secrets, { driver: 'file', opts: { root: '/x' } });
});

test('a malformed file names the file and line', (t) => {
  const f = fixture(t);
  const path = f.write('etc/containers/containers.conf', '[containers]\npids_limit = 1\nlog_tag = = "x"\n');
  assert.throws(
    () => loadContainersConf(f.opts()),
    (err: Error) => err instanceof ConfigError && err.message.startsWith(`${path}:3: `),
  );
});

test('a value of the wrong type names the file, line and key', (t) => {
  const f = fixture(t);
  const path = f.write('etc/containers/containers.conf', '# comment\n[containers]\ntz = "UTC"\npids_limit = "many"\n');
  assert.throws(
    () => loadContainersConf(f.opts()),
    (err: Error) =>
      err instanceof ConfigError && err.message === `${path}:4: containers.pids_limit: expected an integer, got "many"`,
  );
  f.write('etc/containers/containers.conf', '[engine]\nruntimes = { crun = "/usr/bin/crun" }\n');
  assert.throws(() => loadContainersConf(f.opts()), /engine\.runtimes\.crun: expected an array of strings/);
});

test('values Podman validates are checked', (t) => {
  const f = fixture(t);
  const path = f.write('etc/containers/containers.conf', '[containers]\nlog_size_max = 100\n');
  assert.throws(
    () => loadContainersConf(f.opts()),
    (err: Error) => err.message === `${path}:2: containers.log_size_max: 100: must be negative or >= 8192`,
  );
  f.write('etc/containers/containers.conf', '[engine]\npull_policy = "sometimes"\n');
  assert.throws(() => loadContainersConf(f.opts()), /engine\.pull_policy: "sometimes": must be one of/);
  f.write('etc/containers/containers.conf', '[engine]\npull_policy = "IfNewer"\n');
  assert.equal(loadContainersConf(f.opts()).engine.pullPolicy, 'newer');
  f.write('etc/containers/containers.conf', '[containers]\numask = "999"\n');
  assert.throws(() => loadContainersConf(f.opts()), /containers\.umask/);
});
