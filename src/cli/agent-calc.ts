/**
 * What `routefit agent FILE` computes from a loaded agent block, browser-safe: the CLI prints it, the
 * Studio's Agent view shows the same object.
 */
import { agentPhases } from '../engine/decisions/agent-workflow.js';
import type { LoadedAgent } from '../io/agent-file.js';

export function agentReport(a: LoadedAgent) {
  const r = agentPhases({ phases: a.phases, userPromptTokens: a.file.user_prompt_tokens, taskSuccessRate: a.file.task_success_rate });
  const perMonth = a.file.tasks_per_month;
  return { ...r, ...(perMonth !== undefined ? { monthly: { tasks: perMonth, cost: r.costPerTask * perMonth, costAfterRouting: r.routing.costAfter * perMonth } } : {}) };
}
