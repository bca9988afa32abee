/**
 * Values of a pflag StringSlice flag (Podman's `--filter` on `images`): each occurrence is
 * read as one CSV record, so `--filter a=1,b=2` is two values; double quotes protect commas.
 */
export function splitList(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (v === '') continue;
    let field = '';
    let quoted = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      if (quoted) {
        if (c === '"' && v[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"' && field === '') quoted = true;
      else if (c === ',') {
        out.push(field);
        field = '';
      } else field += c;
    }
    out.push(field);
  }
  return out;
}
