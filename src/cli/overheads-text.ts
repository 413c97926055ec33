import type { CostPerAcceptedResult } from '../engine/measured/cost-per-accepted.js';
import { type ProrationWindow, prorationText } from '../engine/measured/proration.js';

/**
 * One line saying which overheads a measured cost per accepted output includes, where each came from, and
 * the window monthly figures were prorated over (issue 11, item 3): the same words on every surface.
 */
export function overheadsLine(included: CostPerAcceptedResult['included'], notIncluded: CostPerAcceptedResult['notIncluded'], prorated?: ProrationWindow): string {
  const inc = included.map((t) => `${t.name} $${t.usd.toFixed(2)} (${t.source})`).join(', ');
  return `overheads included: ${inc || 'none'}${notIncluded.length ? `; not included (counted as $0): ${notIncluded.join(', ')}` : ''}${prorated ? `; ${prorationText(prorated)}` : ''}`;
}
