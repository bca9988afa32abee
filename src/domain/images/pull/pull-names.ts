/**
 * Which fully qualified references a pull of what the user typed tries, as
 * containers/image's shortnames.Resolve decides: a qualified name as is (docker.io
 * normalised); a short name through an `[aliases]` entry, else each
 * `unqualified-search-registries` entry in order; `short-name-mode = "enforcing"` refuses
 * an ambiguous short name when it cannot prompt (skiff never prompts).
 */
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { RegistriesConf } from '../../../infra/config/registries-conf.ts';
import { defaultTag, formatReference, parseNormalizedNamed, parseReference, type ImageReference } from '../../../infra/image/reference.ts';
import { parseName } from '../names.ts';

export interface PullCandidate {
  ref: ImageReference;
  /** "domain/path:tag" or "domain/path@digest" */
  name: string;
}

export interface ResolvedPullNames {
  candidates: PullCandidate[];
  /** set when an alias decided: the short name and the file that defined it */
  alias?: { name: string; origin: string };
}

function candidate(ref: ImageReference): PullCandidate {
  const withTag = ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: defaultTag } : ref;
  return { ref: withTag, name: formatReference(withTag) };
}

export function stripDockerTransport(input: string): string {
  return input.startsWith('docker://') ? input.slice('docker://'.length) : input;
}

export function resolvePullNames(rawInput: string, conf: RegistriesConf): ResolvedPullNames {
  const input = stripDockerTransport(rawInput);
  const parsed = parseName(input);
  if (parsed.domain !== undefined) return { candidates: [candidate(parseNormalizedNamed(input))] };
  const suffix = `${parsed.tag !== undefined ? `:${parsed.tag}` : ''}${parsed.digest !== undefined ? `@${parsed.digest}` : ''}`;
  const alias = conf.aliases[parsed.path] ?? (parsed.path.startsWith('library/') ? undefined : conf.aliases[`library/${parsed.path}`]);
  if (alias && conf.shortNameMode !== 'disabled') {
    return { candidates: [candidate(parseNormalizedNamed(`${alias.value}${suffix}`))], alias: { name: parsed.path, origin: alias.origin } };
  }
  const registries = conf.unqualifiedSearchRegistries;
  if (registries.length === 0) {
    throw new InvalidArgumentError(
      `short-name "${input}" did not resolve to an alias and no unqualified-search registries are defined in "${conf.unqualifiedSearchRegistriesOrigin}"`,
    );
  }
  if (conf.shortNameMode === 'enforcing' && registries.length > 1) {
    throw new InvalidArgumentError('short-name resolution enforced but cannot prompt without a TTY');
  }
  return {
    candidates: registries.map((registry) => {
      const path = registry === 'docker.io' && !parsed.path.includes('/') ? `library/${parsed.path}` : parsed.path;
      return candidate(parseReference(`${registry}/${path}${suffix}`));
    }),
  };
}
