/** Number text shared by the charts and the report: same rules as the CLI's tables. */

/** USD per request: four decimals as the Inference Field Guide prints them, more when that would show $0.0000. */
export function usdPerRequest(n: number): string {
  if (n !== 0 && Math.abs(n) < 0.001) return `${n < 0 ? '-' : ''}$${Math.abs(n).toPrecision(3)}`;
  return `${n < 0 ? '-' : ''}$${Math.abs(n).toFixed(4)}`;
}

/** USD with thousands separators (whole dollars by default). */
export function usd(n: number, digits = 0): string {
  const s = usdFormat(digits).format(Math.abs(n));
  return `${n < 0 ? '-' : ''}$${s}`;
}

// toLocaleString with options builds a formatter per call; the Studio formats every route's parts on
// each edit. Same options, same text.
const USD_FORMATS = new Map<number, Intl.NumberFormat>();
function usdFormat(digits: number): Intl.NumberFormat {
  let f = USD_FORMATS.get(digits);
  if (!f) USD_FORMATS.set(digits, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return f;
}

/** 1,250,000 → "1.25M"; for axis and marker labels. */
export function compact(n: number): string {
  const a = Math.abs(n);
  const [d, s] = a >= 1e9 ? [1e9, 'B'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e3 ? [1e3, 'K'] : [1, ''];
  const v = n / d;
  return `${Number(v.toPrecision(3))}${s}`;
}

export function percent(n: number, digits = 0): string {
  return `${(n * 100).toFixed(digits)}%`;
}

export function ratio(n: number | null): string {
  if (n === null) return '—';
  return n >= 10 ? `${n.toFixed(1)}×` : `${n.toFixed(2)}×`;
}

/** USD to `digits` significant figures (small LCPR differences stay visible: $0.00194 vs $0.00201). */
export function usdSig(n: number, digits = 3): string {
  if (n === 0) return '$0';
  const a = Math.abs(n);
  const text = a >= 1000 ? Math.round(a).toLocaleString('en-US') : Number(a.toPrecision(digits)).toLocaleString('en-US', { maximumSignificantDigits: digits, maximumFractionDigits: 12 });
  return `${n < 0 ? '-' : ''}$${text}`;
}
