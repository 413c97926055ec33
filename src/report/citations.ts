/**
 * Users read documents by title, never by internal file name (GUIDE "Standards"). The engine's cite
 * strings say "seed 000 Part 1"; the report says "Inference Field Guide, Part 1".
 */
export const DOCUMENT_TITLES: Record<string, string> = {
  '000': 'Inference Field Guide',
  '001': 'Routefit Playbook',
  '002': 'Inference Economics Playbook',
  '003': 'Open vs Closed LLM TCO Guide',
};

/** "seed 000 Part 0; seed 001 ch. 15" → "Inference Field Guide, Part 0; Routefit Playbook, ch. 15". */
export function cite(text: string): string {
  return text
    .replace(/\bseeds? (\d{3})(?: (Parts?|ch\.|chapter|§))?/g, (_, n: string, unit: string | undefined) => `${DOCUMENT_TITLES[n] ?? `document ${n}`}${unit ? `, ${unit}` : ''}`)
    .replace(/\bseed(\d{3})\b/gi, (_, n: string) => DOCUMENT_TITLES[n] ?? `document ${n}`);
}
