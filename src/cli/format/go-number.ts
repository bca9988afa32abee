/**
 * Go's strconv float formatting (`%e`, `%f`, `%g` with or without a precision), so numbers
 * printed by templates, printf and go-units read exactly as Podman prints them.
 */

/** A non-negative decimal `0.digits × 10^dp`; `digits` has no trailing zeros ('' is zero). */
interface Decimal {
  digits: string;
  dp: number;
}

export type FloatVerb = 'e' | 'E' | 'f' | 'F' | 'g' | 'G';

function toDecimal(exponential: string): Decimal {
  const [mantissa = '0', exp = '0'] = exponential.split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '');
  return digits === '' ? { digits: '', dp: 0 } : { digits, dp: Number(exp) + 1 };
}

/** The shortest digits that read back as `x` (Go's shortest mode; V8 agrees with it). */
function shortestDecimal(x: number): Decimal {
  return toDecimal(x.toExponential());
}

/**
 * The exact binary value's decimal expansion (101 significant digits are plenty: a double
 * needs a tie at a rounding position within 20 digits to matter, and that cannot hide
 * behind 80 further digits).
 */
function exactDecimal(x: number): Decimal {
  return toDecimal(x.toExponential(100));
}

/** Go's decimal.Round: round to `nd` digits, ties to even (ties are exact here). */
function round(d: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= d.digits.length) return d;
  const next = d.digits[nd]!;
  const up = next === '5' && nd + 1 === d.digits.length
    ? nd > 0 && Number(d.digits[nd - 1]) % 2 === 1
    : next >= '5';
  if (!up) return { digits: d.digits.slice(0, nd).replace(/0+$/, ''), dp: nd === 0 ? 0 : d.dp };
  let i = nd - 1;
  while (i >= 0 && d.digits[i] === '9') i--;
  if (i < 0) return { digits: '1', dp: d.dp + 1 };
  return { digits: d.digits.slice(0, i) + String(Number(d.digits[i]) + 1), dp: d.dp };
}

function digitAt(d: Decimal, i: number): string {
  return i >= 0 && i < d.digits.length ? d.digits[i]! : '0';
}

function formatE(d: Decimal, prec: number, expChar: string): string {
  let s = digitAt(d, 0);
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(d, i);
  }
  const exp = d.digits === '' ? 0 : d.dp - 1;
  const abs = Math.abs(exp);
  return `${s}${expChar}${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

function formatF(d: Decimal, prec: number): string {
  let s = '';
  if (d.dp > 0) {
    for (let i = 0; i < d.dp; i++) s += digitAt(d, i);
  } else {
    s = '0';
  }
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(d, d.dp + i - 1);
  }
  return s;
}

/**
 * strconv.FormatFloat(x, verb, prec, 64): `prec` -1 means the shortest representation.
 * The result carries a '-' for negatives and reads NaN, +Inf, -Inf like Go.
 */
export function formatFloat(x: number, verb: FloatVerb, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const abs = Math.abs(x);
  const shortest = prec < 0;
  const lower = verb.toLowerCase();
  let d: Decimal;
  if (shortest) {
    d = shortestDecimal(abs);
    const nd = d.digits.length;
    prec = lower === 'e' ? Math.max(nd - 1, 0) : lower === 'f' ? Math.max(nd - d.dp, 0) : nd;
  } else {
    d = exactDecimal(abs);
    if (lower === 'e') d = round(d, prec + 1);
    else if (lower === 'f') d = round(d, d.dp + prec);
    else {
      if (prec === 0) prec = 1;
      d = round(d, prec);
    }
  }
  if (lower === 'e') return sign + formatE(d, prec, verb);
  if (lower === 'f') return sign + formatF(d, prec);
  const nd = d.digits.length;
  let eprec = prec;
  if (eprec > nd && nd >= d.dp) eprec = nd;
  // With the shortest digits Go decides at exponent 6, so %v prints 1e+06 but 100000.
  if (shortest) eprec = 6;
  const exp = d.dp - 1;
  if (exp < -4 || exp >= eprec) {
    return sign + formatE(d, Math.min(prec, nd) - 1, verb === 'g' ? 'e' : 'E');
  }
  return sign + formatF(d, Math.max((prec > d.dp ? nd : prec) - d.dp, 0));
}

/** How Go's fmt prints a float64 with %v. */
export function formatFloatV(x: number): string {
  return formatFloat(x, 'g', -1);
}
