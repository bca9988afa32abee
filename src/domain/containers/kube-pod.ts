/**
 * `kube generate` for containers: the Kubernetes Pod (and with `service`, the NodePort
 * Service) Podman 4.3 writes for them, as plain objects for the CLI's YAML printer. One pod
 * named after the first container holds them all; only what differs from the image and from
 * Podman's defaults is written.
 */
import type { ContainerConfig } from './model.ts';
import { optionAnnotations } from './spec/generate-spec.ts';

/** What the container's image says, to leave out what the container merely inherits. */
export interface KubeImage {
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingDir: string;
}

export interface KubeContainer {
  config: ContainerConfig;
  image: KubeImage;
}

/** Podman's default capabilities (containers.conf), in its order. */
const podmanCaps = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT'];
/** What a Kubernetes runtime gives beyond them, so a container without them must drop them. */
const kubeOnlyCaps = ['CAP_MKNOD', 'CAP_NET_RAW', 'CAP_AUDIT_WRITE'];
/** Annotations every container has and Kubernetes would not take back. */
const reservedAnnotations = new Set(['io.container.manager', 'io.kubernetes.cri-o.Created', 'org.opencontainers.image.stopSignal']);

const capName = (c: string) => (c.toUpperCase().startsWith('CAP_') ? c.toUpperCase() : `CAP_${c.toUpperCase()}`);
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The container's capabilities as Podman computes them from its defaults and --cap-add/--cap-drop. */
function capabilities(c: ContainerConfig): { add?: string[]; drop?: string[] } | undefined {
  if (c.privileged) return undefined;
  const drops = c.capDrop.map(capName);
  const all = drops.includes('CAP_ALL');
  const have = new Set(all ? [] : podmanCaps.filter((x) => !drops.includes(x)));
  for (const a of c.capAdd.map(capName)) if (a !== 'CAP_ALL') have.add(a);
  const add = [...have].filter((x) => !podmanCaps.includes(x));
  const drop = [...podmanCaps, ...kubeOnlyCaps].filter((x) => !have.has(x));
  if (!add.length && !drop.length) return undefined;
  return { ...(add.length ? { add } : {}), ...(drop.length ? { drop } : {}) };
}

/** A byte count as Kubernetes writes a quantity: the largest binary unit that divides it. */
function quantity(bytes: number): string {
  for (const [unit, size] of [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** A host path as a volume name: `/tmp` → `tmp`, `/srv/data` → `srv-data`. */
function hostVolumeName(source: string): string {
  return source.replace(/^\/+|\/+$/g, '').replaceAll('/', '-') || 'root';
}

/** A --hostname of the container's own (not its ID's start, nor the host's name in the host's UTS namespace). */
function ownHostname(c: ContainerConfig): boolean {
  return c.hostname !== '' && c.hostname !== c.id.slice(0, 12) && c.namespaces.uts !== 'host' && c.networkMode !== 'host';
}

interface KubeVolume {
  name: string;
  hostPath?: { path: string; type: string };
  persistentVolumeClaim?: { claimName: string };
}

function containerSpec(k: KubeContainer, volumes: KubeVolume[], isDirectory: (p: string) => boolean): Record<string, unknown> {
  const c = k.config;
  const out: Record<string, unknown> = { name: c.name, image: c.imageName };
  const ownEntrypoint = c.entrypoint.length > 0 && !same(c.entrypoint, k.image.entrypoint);
  if (ownEntrypoint) {
    out['command'] = c.entrypoint;
    if (c.command.length) out['args'] = c.command;
  } else if (c.command.length && !same(c.command, k.image.cmd)) out['command'] = c.command;
  // Podman's containers carry an explicit --hostname in HOSTNAME too
  const withHost = ownHostname(c) && !c.env.some((e) => e.startsWith('HOSTNAME=')) ? [...c.env, `HOSTNAME=${c.hostname}`] : c.env;
  const env = withHost.filter((e) => !k.image.env.includes(e) && !/^(container|TERM)=/.test(e) && !e.startsWith('PATH='));
  if (env.length) out['env'] = env.map((e) => ({ name: e.split('=', 1)[0], value: e.slice(e.indexOf('=') + 1) }));
  if (c.workingDir && c.workingDir !== (k.image.workingDir || '/')) out['workingDir'] = c.workingDir;
  const ports = c.ports.flatMap((p) =>
    Array.from({ length: Math.max(1, p.range) }, (_, i) => ({
      containerPort: p.containerPort + i,
      ...(p.hostPort ? { hostPort: p.hostPort + i } : {}),
      ...(p.hostIp && p.hostIp !== '0.0.0.0' ? { hostIP: p.hostIp } : {}),
      ...(p.protocol && p.protocol !== 'tcp' ? { protocol: p.protocol.toUpperCase() } : {}),
    })),
  );
  if (ports.length) out['ports'] = ports;
  const limits: Record<string, string> = {};
  if (c.resources.memory) limits['memory'] = quantity(c.resources.memory);
  if (c.resources.cpus) limits['cpu'] = `${Math.round(c.resources.cpus * 1000)}m`;
  if (Object.keys(limits).length) out['resources'] = { limits };
  const security: Record<string, unknown> = {};
  const caps = capabilities(c);
  if (caps) security['capabilities'] = caps;
  if (c.privileged) security['privileged'] = true;
  if (c.readOnly) security['readOnlyRootFilesystem'] = true;
  const [user, group] = c.user.split(':');
  if (user && /^\d+$/.test(user)) security['runAsUser'] = Number(user);
  if (group && /^\d+$/.test(group)) security['runAsGroup'] = Number(group);
  if (Object.keys(security).length) out['securityContext'] = security;
  const mounts: Record<string, unknown>[] = [];
  for (const m of c.mounts) {
    const readOnly = m.options.includes('ro');
    if (m.type === 'volume' && m.name) {
      const name = `${m.name}-pvc`;
      if (!volumes.some((v) => v.name === name)) volumes.push({ name, persistentVolumeClaim: { claimName: m.name } });
      mounts.push({ mountPath: m.destination, name, ...(readOnly ? { readOnly } : {}) });
    } else if (m.type === 'bind' && m.source) {
      let vol = volumes.find((v) => v.hostPath?.path === m.source);
      if (!vol) {
        const base = hostVolumeName(m.source);
        vol = { name: `${base}-host-${volumes.filter((v) => v.name.startsWith(`${base}-host-`)).length}`, hostPath: { path: m.source, type: isDirectory(m.source) ? 'Directory' : 'File' } };
        volumes.push(vol);
      }
      mounts.push({ mountPath: m.destination, name: vol.name, ...(readOnly ? { readOnly } : {}) });
    }
  }
  if (mounts.length) out['volumeMounts'] = mounts;
  return out;
}

/** The Pod for the containers; `now` is its creationTimestamp. */
export function kubePod(containers: readonly KubeContainer[], now: Date, isDirectory: (p: string) => boolean): Record<string, unknown> {
  const name = `${containers[0]!.config.name}-pod`;
  const annotations: Record<string, string> = {};
  for (const { config } of containers) {
    const own = { ...optionAnnotations({ terminal: config.tty, autoRemove: config.autoRemove, init: config.init, privileged: config.privileged, publishAll: config.publishAll }), ...config.annotations };
    for (const [k, v] of Object.entries(own)) {
      if (!reservedAnnotations.has(k) && !k.startsWith('run.oci.')) annotations[`${k}/${config.name.replaceAll('_', '')}`] = v;
    }
  }
  const volumes: KubeVolume[] = [];
  const specs = containers.map((k) => containerSpec(k, volumes, isDirectory));
  const first = containers[0]!.config;
  const hostname = containers.map((k) => k.config).find(ownHostname)?.hostname;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...(Object.keys(annotations).length ? { annotations } : {}), creationTimestamp: timestamp(now), labels: { app: name }, name },
    spec: {
      automountServiceAccountToken: false,
      containers: specs,
      enableServiceLinks: false,
      ...(hostname ? { hostname } : {}),
      ...(first.networkMode === 'host' ? { hostNetwork: true } : {}),
      ...(volumes.length ? { volumes } : {}),
    },
  };
}

/** A NodePort Service for the pod's published ports; `nodePort` picks each node port. */
export function kubeService(pod: Record<string, unknown>, now: Date, nodePort: () => number): Record<string, unknown> {
  const meta = pod['metadata'] as { name: string };
  const containers = (pod['spec'] as { containers: { ports?: { containerPort: number; protocol?: string }[] }[] }).containers;
  const ports = containers.flatMap((c) => c.ports ?? []).map((p) => ({ name: String(p.containerPort), nodePort: nodePort(), port: p.containerPort, ...(p.protocol ? { protocol: p.protocol } : {}), targetPort: p.containerPort }));
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { creationTimestamp: timestamp(now), labels: { app: meta.name }, name: meta.name },
    spec: { ports, selector: { app: meta.name }, type: 'NodePort' },
  };
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}
