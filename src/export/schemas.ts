import { z } from 'zod';

/**
 * Schemas of the configs `routefit export` writes, from each gateway's documentation (keys as
 * listed in docs/export.md). Objects are strict where the documentation lists every key, so a
 * misspelt key fails the test instead of being ignored by the gateway.
 */

/** A credential reference: never a value. */
const envRef = z.string().regex(/^os\.environ\/[A-Z_][A-Z0-9_]*$/, 'expected os.environ/NAME');

/** LiteLLM proxy config.yaml (docs.litellm.ai/docs/proxy/configs, /proxy/reliability, /routing). */
export const litellmConfigSchema = z.strictObject({
  model_list: z
    .array(
      z.strictObject({
        model_name: z.string().min(1),
        litellm_params: z.strictObject({
          model: z.string().regex(/^[a-z0-9_]+\/.+/, 'expected <provider>/<model>'),
          api_key: envRef,
          api_base: envRef.optional(),
          weight: z.number().int().nonnegative().optional(),
          rpm: z.number().int().positive().optional(),
          tpm: z.number().int().positive().optional(),
          timeout: z.number().positive().optional(),
          max_retries: z.number().int().nonnegative().optional(),
        }),
        model_info: z.strictObject({ id: z.string().min(1), mode: z.enum(['chat', 'completion', 'embedding']).optional() }).optional(),
      }),
    )
    .min(1),
  router_settings: z.strictObject({
    routing_strategy: z.enum(['simple-shuffle', 'least-busy', 'usage-based-routing', 'latency-based-routing', 'cost-based-routing']),
    fallbacks: z.array(z.record(z.string(), z.array(z.string()).min(1))).optional(),
    context_window_fallbacks: z.array(z.record(z.string(), z.array(z.string()).min(1))).optional(),
    num_retries: z.number().int().nonnegative().optional(),
    timeout: z.number().positive().optional(),
  }),
});
export type LitellmConfig = z.output<typeof litellmConfigSchema>;

/** Portkey gateway config (portkey.ai/docs/product/ai-gateway: configs, load balancing, fallbacks, conditional routing). */
const portkeyOperator = z.enum(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$regex']);
const portkeyQuery: z.ZodType<Record<string, unknown>> = z.lazy(() =>
  z.record(z.string(), z.union([z.record(portkeyOperator, z.unknown()), z.array(portkeyQuery)])),
);
const portkeyRetry = z.strictObject({ attempts: z.number().int().min(0).max(5), on_status_codes: z.array(z.number().int().min(100).max(599)).optional() });
const portkeyStrategy = z.strictObject({
  mode: z.enum(['single', 'loadbalance', 'fallback', 'conditional']),
  on_status_codes: z.array(z.number().int().min(100).max(599)).optional(),
  conditions: z.array(z.strictObject({ query: portkeyQuery, then: z.string().min(1) })).optional(),
  default: z.string().min(1).optional(),
});
export interface PortkeyTarget {
  name?: string;
  provider?: string;
  virtual_key?: string;
  weight?: number;
  override_params?: Record<string, unknown>;
  retry?: z.output<typeof portkeyRetry>;
  request_timeout?: number;
  strategy?: z.output<typeof portkeyStrategy>;
  targets?: PortkeyTarget[];
}
const portkeyTarget: z.ZodType<PortkeyTarget> = z.lazy(() =>
  z.strictObject({
    name: z.string().min(1).optional(),
    provider: z.string().min(1).optional(),
    virtual_key: z.string().min(1).optional(),
    weight: z.number().min(0).max(1).optional(),
    override_params: z.strictObject({ model: z.string().min(1) }).optional(),
    retry: portkeyRetry.optional(),
    request_timeout: z.number().int().positive().optional(),
    strategy: portkeyStrategy.optional(),
    targets: z.array(portkeyTarget).min(1).optional(),
  }),
);
export const portkeyConfigSchema = z
  .strictObject({ strategy: portkeyStrategy, targets: z.array(portkeyTarget).min(1), retry: portkeyRetry.optional(), request_timeout: z.number().int().positive().optional() })
  .refine((c) => c.strategy.mode !== 'conditional' || (c.strategy.conditions?.length && c.strategy.conditions.every((k) => c.targets.some((t) => t.name === k.then))), 'every conditional `then` names a target');
export type PortkeyConfig = z.output<typeof portkeyConfigSchema>;

/** OpenRouter request body routing fields (openrouter.ai/docs: model fallbacks, provider routing). */
export const openrouterBodySchema = z.strictObject({
  models: z.array(z.string().regex(/^[a-z0-9-]+\/[a-z0-9._:-]+$/i, 'expected an OpenRouter slug author/model')).min(1),
  provider: z.strictObject({
    order: z.array(z.string().min(1)).optional(),
    allow_fallbacks: z.boolean().optional(),
    require_parameters: z.boolean().optional(),
    data_collection: z.enum(['allow', 'deny']).optional(),
    only: z.array(z.string()).optional(),
    ignore: z.array(z.string()).optional(),
    quantizations: z.array(z.string()).optional(),
    sort: z.enum(['price', 'throughput', 'latency']).optional(),
    max_price: z.strictObject({ prompt: z.number().nonnegative().optional(), completion: z.number().nonnegative().optional(), request: z.number().nonnegative().optional(), image: z.number().nonnegative().optional() }).optional(),
  }),
});
/** routefit's file around the bodies: OpenRouter has no server-side config, so the app splits traffic by `share`. */
export const openrouterExportSchema = z.strictObject({
  kind: z.literal('routefit.openrouter-request-routing'),
  credentials: z.strictObject({ api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/) }),
  notes: z.array(z.string()),
  workloads: z.record(z.string(), z.array(z.strictObject({ group: z.string(), share: z.number().min(0).max(1), body: openrouterBodySchema })).min(1)),
});
export type OpenrouterExport = z.output<typeof openrouterExportSchema>;

/** Envoy AI Gateway AIGatewayRoute v1beta1 (aigateway.envoyproxy.io API reference) and the Envoy Gateway BackendTrafficPolicy retry. */
const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a Kubernetes name (lowercase, digits, -)').max(253);
const duration = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'expected a duration such as 2.5s');
export const aiGatewayRouteSchema = z.strictObject({
  apiVersion: z.literal('aigateway.envoyproxy.io/v1beta1'),
  kind: z.literal('AIGatewayRoute'),
  metadata: z.strictObject({ name: k8sName, namespace: k8sName.optional(), annotations: z.record(z.string(), z.string()).optional() }),
  spec: z.strictObject({
    parentRefs: z.array(z.strictObject({ name: k8sName, kind: z.literal('Gateway').optional(), group: z.literal('gateway.networking.k8s.io').optional() })).min(1),
    rules: z
      .array(
        z.strictObject({
          matches: z.array(z.strictObject({ headers: z.array(z.strictObject({ type: z.enum(['Exact', 'RegularExpression']), name: z.string(), value: z.string() })).min(1) })).min(1),
          backendRefs: z.array(z.strictObject({ name: k8sName, modelNameOverride: z.string().optional(), weight: z.number().int().min(0).max(1_000_000).optional(), priority: z.number().int().min(0).optional() })).min(1),
          timeouts: z.strictObject({ request: duration.optional() }).optional(),
        }),
      )
      .min(1),
  }),
});
export const backendTrafficPolicySchema = z.strictObject({
  apiVersion: z.literal('gateway.envoyproxy.io/v1alpha1'),
  kind: z.literal('BackendTrafficPolicy'),
  metadata: z.strictObject({ name: k8sName, namespace: k8sName.optional() }),
  spec: z.strictObject({
    targetRefs: z.array(z.strictObject({ group: z.literal('gateway.networking.k8s.io'), kind: z.literal('HTTPRoute'), name: k8sName })).min(1),
    retry: z.strictObject({
      numRetries: z.number().int().min(0),
      perRetry: z.strictObject({ timeout: duration.optional() }).optional(),
      retryOn: z.strictObject({ httpStatusCodes: z.array(z.number().int().min(100).max(599)).optional(), triggers: z.array(z.enum(['connect-failure', 'retriable-status-codes', 'reset', 'refused-stream'])).optional() }),
    }),
  }),
});
/** AIServiceBackend + BackendSecurityPolicy: the credential is a Secret reference, never a value. */
export const aiServiceBackendSchema = z.strictObject({
  apiVersion: z.literal('aigateway.envoyproxy.io/v1beta1'),
  kind: z.literal('AIServiceBackend'),
  metadata: z.strictObject({ name: k8sName, namespace: k8sName.optional(), annotations: z.record(z.string(), z.string()).optional() }),
  spec: z.strictObject({ schema: z.strictObject({ name: z.enum(['OpenAI', 'AWSBedrock', 'AzureOpenAI']) }), backendRef: z.strictObject({ name: k8sName, kind: z.literal('Backend'), group: z.literal('gateway.envoyproxy.io') }) }),
});
export const backendSecurityPolicySchema = z.strictObject({
  apiVersion: z.literal('aigateway.envoyproxy.io/v1beta1'),
  kind: z.literal('BackendSecurityPolicy'),
  metadata: z.strictObject({ name: k8sName, namespace: k8sName.optional() }),
  spec: z.strictObject({
    targetRefs: z.array(z.strictObject({ group: z.literal('aigateway.envoyproxy.io'), kind: z.literal('AIServiceBackend'), name: k8sName })).min(1),
    type: z.literal('APIKey'),
    apiKey: z.strictObject({ secretRef: z.strictObject({ name: k8sName, namespace: k8sName.optional() }) }),
  }),
});
export const envoyDocumentSchema = z.discriminatedUnion('kind', [aiGatewayRouteSchema, backendTrafficPolicySchema, aiServiceBackendSchema, backendSecurityPolicySchema]);
export type EnvoyDocument = z.output<typeof envoyDocumentSchema>;
