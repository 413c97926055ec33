/** The words `routefit plan` puts on its verdicts, shared by the CLI's text and the Studio's Decisions view. */
import type { WorkloadBrief } from '../engine/decisions/decision-brief.js';
import { type Verdict, fmtMonths } from '../engine/decisions/verdict.js';

export const STATUS: Record<Verdict['status'], string> = { pass: 'PASS', conditional: 'CONDITIONAL', fail: 'FAIL', unknown: 'UNKNOWN' };
export const ACTION: Record<WorkloadBrief['action'], string> = { migrate: 'MIGRATE', stay: 'STAY', measure_first: 'MEASURE FIRST', no_feasible_route: 'NO FEASIBLE ROUTE' };
export const months = (m: number | null | undefined) => fmtMonths(m ?? null);

/**
 * Each rule as the question the flowchart asks and its answer with where it leads (issue 11: "Needs
 * specialization? no → continue to the ownership gate"), so the verdict follows visibly from the rows.
 * A gate that passes is a reason to leave the closed API (Inference Field Guide, Part 1); a Do Nothing condition that
 * holds is a reason to stay (Inference Economics Playbook, ch. 16).
 */
type Answers = Partial<Record<Verdict['status'], string>>;
const LEAVE = 'leave the closed API';
const QUESTIONS: Record<string, { q: string; a: Answers }> = {
  'specialization-gate': { q: 'Needs specialization (fine-tune parity, sub-500 ms P99 on chained calls, model changes)?', a: { pass: `yes → ${LEAVE}, whatever the volume`, fail: 'no → continue to the ownership gate', unknown: 'not known → continue to the ownership gate; measure it' } },
  'ownership-gate': { q: 'Must the team own the stack (regulation, vendor concentration)?', a: { pass: `yes → ${LEAVE}, whatever the volume`, fail: 'no → continue to the volume gate', unknown: 'not known → continue to the volume gate; measure it' } },
  'volume-gate': { q: 'Is the spend high enough for a migration to pay?', a: { pass: `yes → ${LEAVE}`, conditional: `yes, with conditions → ${LEAVE} once they hold`, fail: 'no → stay on the closed API', unknown: 'not known → measure the spend' } },
  'do-nothing-payback': { q: 'Does the migration pay back within the planning horizon?', a: { pass: 'yes → migrating is worth it', conditional: 'yes, on estimates → measure before committing', fail: 'no → stay', unknown: 'not known → measure' } },
};
export function questionOf(v: Verdict): { q: string; a: string } {
  const known = QUESTIONS[v.rule];
  if (known) return { q: known.q, a: known.a[v.status] ?? STATUS[v.status] };
  if (v.rule.startsWith('do-nothing-') || v.rule.startsWith('stay-')) {
    // A condition for staying: it failing the check means the condition holds.
    const a: Answers = { pass: 'no → does not argue for staying', fail: 'yes → stay', unknown: 'not known → measure it', conditional: 'partly → weigh it' };
    return { q: `${v.title}?`, a: a[v.status]! };
  }
  if (v.rule.startsWith('revert')) {
    const a: Answers = { pass: 'no → keep going', fail: 'yes → revert', unknown: 'not known → measure it', conditional: 'partly → watch it' };
    return { q: `${v.title}?`, a: a[v.status]! };
  }
  const a: Answers = { pass: 'yes → continue', fail: 'no → hold until it is', unknown: 'not known → check it', conditional: 'partly → close the gap first' };
  return { q: `${v.title} ready?`, a: a[v.status]! };
}

