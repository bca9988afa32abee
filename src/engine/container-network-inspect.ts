/** `inspect`'s NetworkSettings as Podman 4.3 prints them, from the stored netavark status. */
import type { ContainerConfig, ContainerState } from '../domain/containers/model.ts';
import type { StatusBlock } from '../infra/network/netavark.ts';

interface EndpointSettings {
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  MacAddress: string;
}

function emptyEndpoint(): EndpointSettings {
  return { EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, MacAddress: '' };
}

function endpoint(block: StatusBlock | undefined): EndpointSettings {
  const ep = emptyEndpoint();
  const iface = Object.values(block?.interfaces ?? {})[0];
  if (!iface) return ep;
  ep.MacAddress = iface.mac_address;
  for (const s of iface.subnets ?? []) {
    const [ip, len] = s.ipnet.split('/') as [string, string];
    if (ip.includes(':')) {
      if (!ep.GlobalIPv6Address) Object.assign(ep, { GlobalIPv6Address: ip, GlobalIPv6PrefixLen: Number(len), IPv6Gateway: s.gateway ?? '' });
    } else if (!ep.IPAddress) Object.assign(ep, { IPAddress: ip, IPPrefixLen: Number(len), Gateway: s.gateway ?? '' });
  }
  return ep;
}

/** Published ports by `port/proto`; exposed but unpublished ones map to null. */
function ports(config: ContainerConfig): Record<string, { HostIp: string; HostPort: string }[] | null> {
  const out: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const e of config.exposedPorts) out[e] = null;
  for (const p of config.ports) {
    for (let i = 0; i < Math.max(1, p.range); i++) {
      const key = `${p.containerPort + i}/${p.protocol}`;
      (out[key] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort + i) });
    }
  }
  return out;
}

/** HostConfig.PortBindings: the published ports only. */
export function portBindings(config: ContainerConfig): Record<string, { HostIp: string; HostPort: string }[]> {
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const [k, v] of Object.entries(ports(config))) if (v) out[k] = v;
  return out;
}

export function networkSettings(config: ContainerConfig, state: ContainerState): Record<string, unknown> {
  const status = state.networkStatus as Record<string, StatusBlock>;
  const names = config.networkMode === 'bridge' ? config.networks : [];
  const networks: Record<string, unknown> = {};
  for (const name of names) {
    const aliases = config.networkOptions?.[name]?.aliases ?? [];
    networks[name] = {
      ...(state.netnsPath ? endpoint(status[name]) : emptyEndpoint()),
      NetworkID: name,
      DriverOpts: null,
      IPAMConfig: null,
      Links: null,
      Aliases: [...aliases, config.id.slice(0, 12)],
    };
  }
  const top = names.length === 1 && state.netnsPath ? endpoint(status[names[0]!]) : emptyEndpoint();
  return {
    ...top,
    Bridge: '',
    SandboxID: '',
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: ports(config),
    SandboxKey: state.netnsPath,
    ...(names.length > 0 ? { Networks: networks } : {}),
  };
}
