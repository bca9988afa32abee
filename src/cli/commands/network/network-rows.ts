/**
 * A network as `network ls --format` and `network inspect --format` templates see it:
 * Podman's Go field names over netavark's JSON.
 */
import type { Network } from '../../../domain/networks/network-definition.ts';
import type { BatchReport } from '../../../engine/container-reports.ts';
import type { NetworkRmReport } from '../../../engine/network-engine.ts';

export interface NetworkRow {
  ID: string;
  Name: string;
  Driver: string;
  Labels: Map<string, string>;
  Options: Map<string, string>;
  IPAMOptions: Map<string, string>;
  Created: string;
  Internal: boolean;
  IPv6Enabled: boolean;
  DNSEnabled: boolean;
  NetworkInterface: string;
  Subnets: { Subnet: string; Gateway: string; LeaseRange: { StartIP: string; EndIP: string } | null }[];
}

export function networkRow(n: Network): NetworkRow {
  return {
    ID: n.id,
    Name: n.name,
    Driver: n.driver,
    Labels: new Map(Object.entries(n.labels ?? {})),
    Options: new Map(Object.entries(n.options ?? {})),
    IPAMOptions: new Map(Object.entries(n.ipam_options ?? {})),
    Created: n.created ?? '',
    Internal: n.internal,
    IPv6Enabled: n.ipv6_enabled,
    DNSEnabled: n.dns_enabled,
    NetworkInterface: n.network_interface ?? '',
    Subnets: (n.subnets ?? []).map((s) => ({
      Subnet: s.subnet,
      Gateway: s.gateway ?? '',
      LeaseRange: s.lease_range ? { StartIP: s.lease_range.start_ip ?? '', EndIP: s.lease_range.end_ip ?? '' } : null,
    })),
  };
}

/** `network rm`/`prune` reports as batch reports, printed by name. */
export function asBatch(reports: readonly NetworkRmReport[]): BatchReport[] {
  return reports.map((r) => ({ Id: r.name, RawInput: r.name, ...(r.error ? { Err: r.error } : {}) }));
}
