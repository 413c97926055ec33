// Display rules shared by every view; the same rules as the CLI's tables (cli/format.ts).
export function usdPerRequest(n: number): string {
  if (n !== 0 && Math.abs(n) < 0.001) return `$${n.toPrecision(3)}`;
  return `$${n.toFixed(4)}`;
}
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const cents = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export function usd(n: number, digits = 0): string {
  return `${n < 0 ? '-' : ''}$${(digits === 2 ? cents : whole).format(Math.abs(n))}`;
}
export function ratio(n: number | null): string {
  if (n === null) return '—';
  return n >= 10 ? `${n.toFixed(1)}x` : `${n.toFixed(2)}x`;
}
export function count(n: number): string {
  return whole.format(Math.round(n));
}
export function percent(n: number, digits = 1): string {
  return `${(n * 100).toFixed(digits)}%`;
}
// One formatter reused: toLocaleString with options builds a new one per call (the Compare table
// and its working call this hundreds of times per edit). Same options, same text.
const upTo6 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });
export function num(n: number): string {
  return upTo6.format(n);
}
