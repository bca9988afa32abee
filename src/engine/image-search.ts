/**
 * `search`: repositories matching a term in the registry's catalog (/v2/_catalog; the
 * distribution registry has no search API), or with listTags the tags of one repository.
 * A term without a registry searches every unqualified-search registry, as Podman does.
 */
import { InvalidArgumentError } from '../define/errors.ts';
import { loadRegistriesConf } from '../infra/config/registries-conf.ts';
import { findRegistry } from '../infra/config/registry-match.ts';
import { connectRegistry, type RegistryAccessOptions } from '../infra/registry/connect.ts';

export interface ImageSearchOptions extends RegistryAccessOptions {
  limit?: number | undefined;
  listTags?: boolean | undefined;
}

export interface ImageSearchResult {
  Index: string;
  Name: string;
  Description: string;
  Stars: number;
  Official: string;
  Automated: string;
  Tag: string;
}

function splitTerm(term: string): { registry: string | undefined; rest: string } {
  const t = term.replace(/^docker:\/\//, '');
  const slash = t.indexOf('/');
  if (slash > 0) {
    const first = t.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') return { registry: first, rest: t.slice(slash + 1) };
  }
  return { registry: undefined, rest: t };
}

function result(registry: string, name: string, tag = ''): ImageSearchResult {
  return { Index: registry, Name: `${registry}/${name}`, Description: '', Stars: 0, Official: '', Automated: '', Tag: tag };
}

export async function searchImages(term: string, opts: ImageSearchOptions = {}): Promise<ImageSearchResult[]> {
  const conf = loadRegistriesConf();
  const { registry, rest } = splitTerm(term);
  const registries = registry ? [registry] : conf.unqualifiedSearchRegistries;
  if (!registries.length) throw new InvalidArgumentError('no registries to search: name one in the search term or set unqualified-search-registries in registries.conf');
  const limit = opts.limit && opts.limit > 0 ? opts.limit : 25;
  const out: ImageSearchResult[] = [];
  const errors: string[] = [];
  // search has no --retry: an unreachable registry fails at once, as Podman's does.
  opts = { retry: 0, ...opts };
  for (const host of registries) {
    const insecure = findRegistry(conf, host)?.insecure ?? false;
    try {
      if (opts.listTags) {
        const repo = rest.replace(/:.*$/, '');
        if (repo.includes('*') || repo === '') throw new InvalidArgumentError(`reference "${term}" must be a docker reference`);
        const client = connectRegistry(host, repo, opts, insecure);
        out.push(...(await client.tags(repo)).slice(0, limit).map((tag) => result(host, repo, tag)));
      } else {
        const client = connectRegistry(host, undefined, opts, insecure);
        const names = (await client.catalog()).filter((n) => n.includes(rest));
        out.push(...names.slice(0, limit).map((n) => result(host, n)));
      }
    } catch (err) {
      if (err instanceof InvalidArgumentError) throw err;
      errors.push(`${host}: ${(err as Error).message}`);
    }
  }
  if (errors.length === registries.length) {
    throw new InvalidArgumentError(`couldn't search registry ${JSON.stringify(registries.join(', '))}: ${errors.join('; ')}`);
  }
  return out;
}
