/**
 * WWW-Authenticate challenges (RFC 7235) as registries send them:
 * `Bearer realm="https://auth.example/token",service="registry",scope="repository:x:pull"`
 * or `Basic realm="registry"`. Several challenges may share one header.
 */

export interface Challenge {
  /** lower-case: "basic", "bearer", … */
  scheme: string;
  /** parameter names lower-cased */
  params: Record<string, string>;
}

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let rest = header.trim();
  while (rest.length) {
    const scheme = token.exec(rest)?.[0];
    if (!scheme) break;
    rest = rest.slice(scheme.length).trimStart();
    const params: Record<string, string> = {};
    for (;;) {
      const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*=\s*/.exec(rest);
      if (!m) break;
      rest = rest.slice(m[0].length);
      let value: string;
      if (rest.startsWith('"')) {
        let i = 1;
        value = '';
        while (i < rest.length && rest[i] !== '"') {
          if (rest[i] === '\\' && i + 1 < rest.length) i++;
          value += rest[i];
          i++;
        }
        rest = rest.slice(i + 1);
      } else {
        value = token.exec(rest)?.[0] ?? '';
        rest = rest.slice(value.length);
      }
      params[m[1]!.toLowerCase()] = value;
      rest = rest.trimStart();
      if (!rest.startsWith(',')) break;
      rest = rest.slice(1).trimStart();
    }
    out.push({ scheme: scheme.toLowerCase(), params });
    rest = rest.replace(/^,\s*/, '');
  }
  return out;
}
