import { type ExportPlan, type PlannedTarget, integerWeights } from './plan.js';
import type { EnvoyDocument } from './schemas.js';

const WEIGHT_SCALE = 10_000;
/** A Kubernetes name from free text: lowercase, digits and '-', at most 63 characters. */
export const k8sName = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '') || 'routefit';
const backendName = (t: PlannedTarget) => k8sName(`routefit-${t.route}${t.serves ? `-${t.serves}` : ''}`);
const seconds = (ms: number) => `${Math.round(ms) / 1000}s`;

export interface EnvoyOptions {
  /** The Gateway the routes attach to. */
  gateway?: string;
  namespace?: string;
}

/**
 * Envoy AI Gateway: per workload an AIGatewayRoute whose rules match `x-ai-eg-model` (set from the
 * request's model) to the group name, weighted backendRefs at priority 0 and fallbacks at
 * priority 1, 2…; a BackendTrafficPolicy retry (cross-priority fallback needs it); per backend an
 * AIServiceBackend and a BackendSecurityPolicy naming the Secret that holds the key (the shape of
 * the project's examples/basic/openai.yaml).
 */
export function toEnvoy(plan: ExportPlan, opts: EnvoyOptions = {}): EnvoyDocument[] {
  const gateway = opts.gateway ?? 'envoy-ai-gateway';
  const ns = opts.namespace ? { namespace: opts.namespace } : {};
  const docs: EnvoyDocument[] = [];
  const backends = new Map<string, PlannedTarget>();
  for (const w of plan.workloads) {
    const name = k8sName(`routefit-${w.workload}`);
    const rules = w.groups.map((g) => {
      const weights = integerWeights(g.targets.map((t) => t.weight), WEIGHT_SCALE);
      const refs = g.targets.map((t, i) => ({ name: backendName(t), modelNameOverride: t.mapping.model, weight: weights[i]!, priority: 0 }));
      // A backend already in the weighted set is not listed again at a lower priority.
      g.fallbacks.filter((t) => !refs.some((r) => r.name === backendName(t))).forEach((t, i) => refs.push({ name: backendName(t), modelNameOverride: t.mapping.model, weight: 1, priority: i + 1 }));
      [...g.targets, ...g.fallbacks].forEach((t) => backends.set(backendName(t), t));
      return {
        matches: [{ headers: [{ type: 'Exact' as const, name: 'x-ai-eg-model', value: g.name }] }],
        backendRefs: refs,
        // The whole request, retries included: per attempt × (1 + retries).
        ...(w.timeoutMs !== null ? { timeouts: { request: seconds(w.timeoutMs * (1 + w.retries.attempts)) } } : {}),
      };
    });
    docs.push({
      apiVersion: 'aigateway.envoyproxy.io/v1beta1',
      kind: 'AIGatewayRoute',
      metadata: { name, ...ns, annotations: { 'routefit/decision': `${w.action}: ${w.headline}`.slice(0, 500) } },
      spec: { parentRefs: [{ name: gateway, kind: 'Gateway', group: 'gateway.networking.k8s.io' }], rules },
    });
    docs.push({
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name: `${name}-retry`.slice(0, 63), ...ns },
      spec: {
        // AI Gateway generates an HTTPRoute with the AIGatewayRoute's name.
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name }],
        retry: {
          numRetries: w.retries.attempts,
          ...(w.timeoutMs !== null ? { perRetry: { timeout: seconds(w.timeoutMs) } } : {}),
          retryOn: { httpStatusCodes: w.retries.onStatusCodes, triggers: ['connect-failure', 'retriable-status-codes'] },
        },
      },
    });
  }
  for (const [name, t] of [...backends].sort(([a], [b]) => a.localeCompare(b))) {
    docs.push({
      apiVersion: 'aigateway.envoyproxy.io/v1beta1',
      kind: 'AIServiceBackend',
      metadata: { name, ...ns, annotations: { 'routefit/route': t.route, 'routefit/model-source': t.mapping.source.slice(0, 500) } },
      // Every provider here speaks the OpenAI API (Anthropic through its OpenAI-compatible endpoint).
      spec: { schema: { name: 'OpenAI' }, backendRef: { name, kind: 'Backend', group: 'gateway.envoyproxy.io' } },
    });
    const secretRef = { secretRef: { name: k8sName(t.mapping.provider.envoySecret), ...ns } };
    docs.push({
      apiVersion: 'aigateway.envoyproxy.io/v1beta1',
      kind: 'BackendSecurityPolicy',
      metadata: { name: `${name}-key`.slice(0, 63), ...ns },
      spec: { targetRefs: [{ group: 'aigateway.envoyproxy.io', kind: 'AIServiceBackend', name }], type: 'APIKey', apiKey: secretRef },
    });
  }
  return docs;
}
