/**
 * Which fully qualified references a pull of what the user typed tries, as
 * containers/image's shortnames.Resolve decides: a qualified name as is (docker.io
 * normalised); a short name through an alias (registries.conf `[aliases]`, drop-ins,
 * short-name-aliases.conf; in every short-name-mode), else each
 * `unqualified-search-registries` entry in order. With several of those and a terminal,
 * `enforcing` and `permissive` have the user pick one (the caller prompts and records the
 * choice as an alias); without a terminal `enforcing` refuses, `permissive` tries them all;
 * `disabled` always tries them all.
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
  /** set when the search registries decided: the short name and the file that listed them */
  search?: { name: string; origin: string };
  /** set when the user is to pick one of the candidates; the choice is then recorded as an alias of `name` */
  prompt?: { name: string };
}

function candidate(ref: ImageReference): PullCandidate {
  const withTag = ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: defaultTag } : ref;
  return { ref: withTag, name: formatReference(withTag) };
}

export function stripDockerTransport(input: string): string {
  return input.startsWith('docker://') ? input.slice('docker://'.length) : input;
}

/** `canPrompt`: stdin and stdout are a terminal, so the user can pick among several candidates. */
export function resolvePullNames(rawInput: string, conf: RegistriesConf, canPrompt = false): ResolvedPullNames {
  const input = stripDockerTransport(rawInput);
  const parsed = parseName(input);
  if (parsed.domain !== undefined) return { candidates: [candidate(parseNormalizedNamed(input))] };
  const suffix = `${parsed.tag !== undefined ? `:${parsed.tag}` : ''}${parsed.digest !== undefined ? `@${parsed.digest}` : ''}`;
  const alias = conf.aliases[parsed.path] ?? (parsed.path.startsWith('library/') ? undefined : conf.aliases[`library/${parsed.path}`]);
  if (alias) {
    return { candidates: [candidate(parseNormalizedNamed(`${alias.value}${suffix}`))], alias: { name: parsed.path, origin: alias.origin } };
  }
  const registries = conf.unqualifiedSearchRegistries;
  if (registries.length === 0) {
    const configured = conf.files.some((f) => f !== conf.shortNameAliasesPath);
    throw new InvalidArgumentError(
      configured
        ? `short-name "${input}" did not resolve to an alias and no unqualified-search registries are defined in "${conf.unqualifiedSearchRegistriesOrigin}"`
        : `short-name "${input}" did not resolve to an alias and no containers-registries.conf(5) was found`,
    );
  }
  const candidates = registries.map((registry) => {
    const path = registry === 'docker.io' && !parsed.path.includes('/') ? `library/${parsed.path}` : parsed.path;
    return candidate(parseReference(`${registry}/${path}${suffix}`));
  });
  const search = { name: parsed.path, origin: conf.unqualifiedSearchRegistriesOrigin };
  if (conf.shortNameMode === 'disabled' || candidates.length === 1) return { candidates, search };
  if (canPrompt) return { candidates, prompt: { name: parsed.path } };
  if (conf.shortNameMode === 'enforcing') throw new InvalidArgumentError('short-name resolution enforced but cannot prompt without a TTY');
  return { candidates, search };
}
