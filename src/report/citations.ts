/**
 * Users read documents by title, never by internal file name. routefit's own cite strings already use
 * the titles; a source a user wrote as "seed 000 Part 1" is shown as "Inference Field Guide, Part 1".
 */
export const DOCUMENT_TITLES: Record<string, string> = {
  '000': 'Inference Field Guide',
  '001': 'Inference Economics Playbook',
  '002': 'Inference Economics Playbook overview',
  '003': 'Open vs Closed LLM TCO Guide',
};

/** "seed 000 Part 0; seed 001 ch. 15" (a user-written source) → "Inference Field Guide, Part 0; Inference Economics Playbook, ch. 15". */
export function cite(text: string): string {
  return text
    .replace(/\bseeds? (\d{3})(?: (Parts?|ch\.|chapter|§))?/g, (_, n: string, unit: string | undefined) => `${DOCUMENT_TITLES[n] ?? `document ${n}`}${unit ? `, ${unit}` : ''}`)
    .replace(/\bseed(\d{3})\b/gi, (_, n: string) => DOCUMENT_TITLES[n] ?? `document ${n}`);
}
