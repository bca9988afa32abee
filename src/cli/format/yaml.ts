/**
 * The YAML `info` prints, as Podman gets it from go-yaml v2 over its JSON: block style,
 * map keys in go-yaml's order (letters by code point, digit runs by value, a non-letter
 * before a letter), list items at their key's indentation, strings quoted only when plain
 * text would read as something else, multi-line strings as `|-` blocks.
 */

export function toYaml(value: unknown): string {
  if (!isMap(value)) return `${scalar(value, 0)}\n`;
  return mapLines(value, 0).join('\n') + '\n';
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function entriesOf(map: Record<string, unknown>): [string, unknown][] {
  return Object.entries(map)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0));
}

function mapLines(map: Record<string, unknown>, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  for (const [key, v] of entriesOf(map)) {
    const k = `${pad}${scalar(key, indent)}:`;
    if (isMap(v) && Object.keys(v).some((x) => v[x] !== undefined)) {
      out.push(k, ...mapLines(v, indent + 2));
    } else if (Array.isArray(v) && v.length) {
      out.push(k, ...listLines(v, indent));
    } else {
      out.push(`${k} ${emptyOrScalar(v, indent + 2)}`);
    }
  }
  return out;
}

function listLines(list: unknown[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  for (const item of list) {
    if (isMap(item) && Object.keys(item).length) {
      const [first, ...rest] = mapLines(item, indent + 2);
      out.push(`${pad}- ${first!.trimStart()}`, ...rest);
    } else if (Array.isArray(item) && item.length) {
      const [first, ...rest] = listLines(item, indent + 2);
      out.push(`${pad}- ${first!.trimStart()}`, ...rest);
    } else {
      out.push(`${pad}- ${emptyOrScalar(item, indent + 2)}`);
    }
  }
  return out;
}

function emptyOrScalar(v: unknown, indent: number): string {
  if (Array.isArray(v)) return '[]';
  if (isMap(v)) return '{}';
  return scalar(v, indent);
}

function scalar(v: unknown, indent: number): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint') return String(v);
  const s = String(v);
  if (s.includes('\n') && !/[ \t]\n|[ \t]$/.test(s) && !/[\u0000-\u0008\u000b-\u001f]/.test(s)) {
    const pad = ' '.repeat(indent);
    const chomp = s.endsWith('\n') ? '|' : '|-';
    const body = (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n').map((line) => (line ? pad + line : ''));
    return [chomp, ...body].join('\n');
  }
  if (needsQuotes(s)) {
    if (/[\u0000-\u001f\u007f]/.test(s) || s.includes('\n')) return JSON.stringify(s);
    return looksLikeOtherType(s) ? `"${s}"` : `'${s.replaceAll("'", "''")}'`;
  }
  return s;
}

/** Plain text that go-yaml would read back as a bool, number, timestamp or null gets double quotes. */
function looksLikeOtherType(s: string): boolean {
  return (
    /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/.test(s) ||
    /^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(s) ||
    /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/.test(s) ||
    /^0x[0-9a-fA-F_]+$|^0o?[0-7_]+$|^0b[01_]+$/.test(s) ||
    // a YAML 1.1 timestamp (a Kubernetes creationTimestamp)
    /^\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?$/.test(s) ||
    s === ''
  );
}

function needsQuotes(s: string): boolean {
  if (looksLikeOtherType(s)) return true;
  if (/^[\s]|[\s]$/.test(s)) return true;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s)) return !/^-[^\s]/.test(s) || /^--- |^---$/.test(s);
  return /: |:$| #|[\u0000-\u001f\u007f]/.test(s);
}

/** go-yaml v2's keyList.Less for string keys. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]! < br[i]!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + Number(ar[ai]);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]! < br[i]!;
  }
  return ar.length < br.length;
}

function isLetter(c: string): boolean {
  return /^\p{L}$/u.test(c);
}

function isDigit(c: string): boolean {
  return /^\p{Nd}$/u.test(c);
}
