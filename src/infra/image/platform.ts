/**
 * Platforms (os/architecture/variant) and choosing an image for one from an image index or a
 * Docker manifest list, as containers/image does for the host platform.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import type { Descriptor, Platform } from './types.ts';

const goArch: Record<string, string> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips: 'mips',
  mipsel: 'mipsle',
  loong64: 'loong64',
};

/** The platform skiff runs on, in Go's GOOS/GOARCH spelling. */
export function hostPlatform(): Platform {
  const architecture = goArch[process.arch] ?? process.arch;
  const platform: Platform = { os: process.platform, architecture };
  if (architecture === 'arm64') platform.variant = 'v8';
  if (architecture === 'arm') {
    const version = (process.config.variables as { arm_version?: string }).arm_version;
    if (version) platform.variant = `v${version}`;
  }
  return platform;
}

/** "linux/arm64/v8" */
export function formatPlatform(platform: Platform): string {
  const parts = [platform.os, platform.architecture];
  if (platform.variant) parts.push(platform.variant);
  return parts.join('/');
}

/** Normalises the spellings registries use for the same variant (arm64 "v8" is the default). */
function variantOf(platform: Platform): string {
  if (platform.architecture === 'arm64' && (platform.variant === undefined || platform.variant === '')) return 'v8';
  return platform.variant ?? '';
}

/**
 * The entry of an index's `manifests` for `want`: same OS and architecture, and the same
 * variant when `want` has one (an entry without a variant is accepted if none matches
 * exactly). Throws InvalidArgumentError listing the platforms available.
 */
export function selectPlatformManifest(manifests: readonly Descriptor[], want: Platform): Descriptor {
  const candidates = manifests.filter(
    (m) => m.platform && m.platform.os === want.os && m.platform.architecture === want.architecture,
  );
  const wantVariant = variantOf(want);
  const exact = candidates.find((m) => variantOf(m.platform!) === wantVariant);
  const loose = candidates.find((m) => !m.platform!.variant);
  const chosen = exact ?? loose ?? (wantVariant === '' ? candidates[0] : undefined);
  if (chosen) return chosen;
  const available = manifests.map((m) => (m.platform ? formatPlatform(m.platform) : 'unknown'));
  throw new InvalidArgumentError(
    `no image found in image index for architecture ${want.architecture}, variant ${JSON.stringify(want.variant ?? '')}, OS ${want.os}` +
      ` (available: ${available.length ? available.join(', ') : 'none'})`,
  );
}
