/**
 * containers.conf built-in defaults: Podman 4.3.1's (containers/common 0.50.1), except
 * where a comment on the field in containers-conf.ts says why skiff differs. Paths Podman
 * derives from its own store (static_dir, tmp_dir, volume_path) are left empty here and
 * derived from skiff's store by the layers that use them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigContext } from './paths.ts';
import type { ContainersConf } from './containers-conf.ts';

/** Facts about the host that some defaults depend on. */
export interface HostFacts {
  /** Booted with systemd: cgroup manager "systemd" and events logger "journald". */
  systemd: boolean;
  /** Unified cgroup v2 hierarchy: private cgroup namespaces by default. */
  cgroup2: boolean;
  selinux: boolean;
  /** /etc/containers/seccomp.json exists and replaces the shipped profile. */
  seccompOverride: boolean;
  /** A user session bus is reachable (rootless systemd cgroups need one). */
  sessionBus: boolean;
}

/** Probes (a few stat calls) only the facts not already `known`. */
export function probeHost(ctx: ConfigContext, known: Partial<HostFacts> = {}): HostFacts {
  const probe = (name: keyof HostFacts, test: () => boolean): boolean => known[name] ?? test();
  return {
    systemd: probe('systemd', () => existsSync('/run/systemd/system')),
    cgroup2: probe('cgroup2', () => existsSync('/sys/fs/cgroup/cgroup.controllers')),
    selinux: probe('selinux', () => existsSync('/sys/fs/selinux/enforce')),
    seccompOverride: probe('seccompOverride', () => existsSync(ctx.system('/etc/containers/seccomp.json'))),
    sessionBus: probe('sessionBus', () => {
      if (ctx.env.DBUS_SESSION_BUS_ADDRESS) return true;
      const runtimeDir = ctx.env.XDG_RUNTIME_DIR;
      return Boolean(runtimeDir) && existsSync(join(runtimeDir!, 'bus'));
    }),
  };
}

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A fresh default configuration (callers may mutate it). */
export function defaultContainersConf(ctx: ConfigContext, host: HostFacts): ContainersConf {
  return {
    containers: {
      annotations: [],
      apparmorProfile: 'containers-default-0.50.1',
      baseHostsFile: '',
      cgroupns: host.cgroup2 ? 'private' : 'host',
      cgroups: 'enabled',
      // The list Podman 4.3.1 runs with: the one in the shipped /usr/share/containers/containers.conf.
      defaultCapabilities: [
        'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'NET_BIND_SERVICE',
        'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
      ],
      defaultSysctls: [],
      defaultUlimits: [],
      devices: [],
      dnsOptions: [],
      dnsSearches: [],
      dnsServers: [],
      env: [PATH_ENV, 'TERM=xterm'],
      envHost: false,
      hostContainersInternalIp: '',
      httpProxy: true,
      init: false,
      initPath: '',
      ipcns: 'shareable',
      keyring: true,
      label: host.selinux,
      // conmon writes k8s-file logs; journald needs a journal skiff does not assume.
      logDriver: 'k8s-file',
      logSizeMax: -1,
      logTag: '',
      netns: 'private',
      noHosts: false,
      pidns: 'private',
      pidsLimit: 2048,
      prepareVolumeOnCreate: false,
      readOnly: false,
      seccompProfile: ctx.system(host.seccompOverride ? '/etc/containers/seccomp.json' : '/usr/share/containers/seccomp.json'),
      shmSize: '65536k',
      tz: '',
      umask: '0022',
      userns: 'host',
      usernsSize: 65536,
      utsns: 'private',
      volumes: [],
    },
    network: {
      // skiff drives netavark only; Podman picks between CNI and netavark.
      networkBackend: 'netavark',
      cniPluginDirs: ['/usr/local/libexec/cni', '/usr/libexec/cni', '/usr/local/lib/cni', '/usr/lib/cni', '/opt/cni/bin'],
      defaultNetwork: 'podman',
      defaultSubnet: '10.88.0.0/16',
      defaultSubnetPools: [
        { base: '10.89.0.0/16', size: 24 },
        { base: '10.90.0.0/15', size: 24 },
        { base: '10.92.0.0/14', size: 24 },
        { base: '10.96.0.0/11', size: 24 },
        { base: '10.128.0.0/9', size: 24 },
      ],
      networkConfigDir: '',
      dnsBindPort: 53,
    },
    engine: {
      activeService: '',
      cgroupManager: host.systemd ? 'systemd' : 'cgroupfs',
      chownCopiedFiles: true,
      compressionFormat: '',
      conmonEnvVars: [PATH_ENV],
      conmonPath: [
        '/usr/libexec/podman/conmon', '/usr/local/libexec/podman/conmon', '/usr/local/lib/podman/conmon',
        '/usr/bin/conmon', '/usr/sbin/conmon', '/usr/local/bin/conmon', '/usr/local/sbin/conmon',
        '/run/current-system/sw/bin/conmon',
      ],
      detachKeys: 'ctrl-p,ctrl-q',
      enablePortReservation: true,
      env: [],
      eventsLogger: host.systemd ? 'journald' : 'file',
      eventsLogfilePath: '',
      eventsLogfileMaxSize: '1m',
      exitCommandDelay: 300,
      helperBinariesDir: ['/usr/local/libexec/podman', '/usr/local/lib/podman', '/usr/libexec/podman', '/usr/lib/podman'],
      hooksDir: ['/usr/share/containers/oci/hooks.d'],
      imageBuildFormat: 'oci',
      imageCopyTmpDir: '/var/tmp',
      imageDefaultFormat: '',
      imageDefaultTransport: 'docker://',
      imageParallelCopies: 0,
      imageVolumeMode: 'bind',
      infraCommand: '',
      infraImage: '',
      lockType: 'shm',
      multiImageArchive: false,
      namespace: '',
      networkCmdOptions: [],
      networkCmdPath: '',
      noPivotRoot: false,
      numLocks: 2048,
      podExitPolicy: 'continue',
      pullPolicy: 'missing',
      remote: false,
      runtime: '',
      runtimes: {
        crun: [
          '/usr/bin/crun', '/usr/sbin/crun', '/usr/local/bin/crun', '/usr/local/sbin/crun', '/sbin/crun',
          '/bin/crun', '/run/current-system/sw/bin/crun',
        ],
        runc: [
          '/usr/bin/runc', '/usr/sbin/runc', '/usr/local/bin/runc', '/usr/local/sbin/runc', '/sbin/runc',
          '/bin/runc', '/usr/lib/cri-o-runc/sbin/runc', '/run/current-system/sw/bin/runc',
        ],
        runj: ['/usr/local/bin/runj'],
        kata: [
          '/usr/bin/kata-runtime', '/usr/sbin/kata-runtime', '/usr/local/bin/kata-runtime',
          '/usr/local/sbin/kata-runtime', '/sbin/kata-runtime', '/bin/kata-runtime', '/usr/bin/kata-qemu',
          '/usr/bin/kata-fc',
        ],
        runsc: [
          '/usr/bin/runsc', '/usr/sbin/runsc', '/usr/local/bin/runsc', '/usr/local/sbin/runsc', '/bin/runsc',
          '/sbin/runsc', '/run/current-system/sw/bin/runsc',
        ],
        krun: ['/usr/bin/krun', '/usr/local/bin/krun'],
      },
      runtimeSupportsJson: ['crun', 'runc', 'kata', 'runsc', 'krun'],
      runtimeSupportsKvm: ['kata', 'kata-runtime', 'kata-qemu', 'kata-fc', 'krun'],
      runtimeSupportsNocgroups: ['crun', 'krun'],
      serviceDestinations: {},
      serviceTimeout: 5,
      staticDir: '',
      stopTimeout: 10,
      tmpDir: '',
      volumePath: '',
      volumePlugins: {},
    },
    secrets: { driver: 'file', opts: {} },
    files: [],
  };
}
