import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputFileError, type Problem, locate, readYaml, validate } from '../io/yaml-file.js';

/** catalog/gateway-models.yaml: routefit route id → the model id and credential reference each gateway needs. */
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable NAME (A-Z, 0-9, _)');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

export const gatewayModelsFile = z.strictObject({
  providers: z.record(
    z.string(),
    z.strictObject({
      litellm: z.string().min(1),
      portkey: z.string().min(1),
      openrouter: z.string().min(1).optional(),
      api_key_env: envName,
      api_base_env: envName.optional(),
      portkey_virtual_key: z.string().min(1).optional(),
      envoy_secret: z.string().min(1).optional(),
    }),
  ),
  routes: z.array(
    z.strictObject({
      route: z.string().min(1),
      serves: z.string().min(1).optional(),
      model: z.string().min(1),
      openrouter: z.string().min(1).optional(),
      source: z.string().min(1),
      as_of: date,
    }),
  ),
});

export interface GatewayProvider {
  id: string;
  litellm: string;
  portkey: string;
  openrouter?: string;
  apiKeyEnv: string;
  apiBaseEnv?: string;
  portkeyVirtualKey: string;
  envoySecret: string;
}

export interface GatewayModel {
  route: string;
  serves?: string;
  provider: GatewayProvider;
  /** The id the provider's API (or the self-hosted server) takes. */
  model: string;
  openrouter?: string;
  source: string;
  asOf: string;
}

export interface GatewayModels {
  file: string;
  providers: Map<string, GatewayProvider>;
  models: GatewayModel[];
}

/** Reads `<catalog dir>/gateway-models.yaml`; errors name file:line (InputFileError, exit 2). */
export function loadGatewayModels(dir: string): GatewayModels {
  const file = join(dir, 'gateway-models.yaml');
  if (!existsSync(file)) throw new InputFileError(file, [{ message: 'the gateway model mapping is missing: routefit export needs catalog/gateway-models.yaml' }]);
  const src = readYaml(file);
  const data = validate(src, gatewayModelsFile);
  const providers = new Map<string, GatewayProvider>();
  for (const [id, p] of Object.entries(data.providers)) {
    providers.set(id, {
      id,
      litellm: p.litellm,
      portkey: p.portkey,
      ...(p.openrouter ? { openrouter: p.openrouter } : {}),
      apiKeyEnv: p.api_key_env,
      ...(p.api_base_env ? { apiBaseEnv: p.api_base_env } : {}),
      portkeyVirtualKey: p.portkey_virtual_key ?? `routefit-${id}`,
      envoySecret: p.envoy_secret ?? `routefit-${id}-api-key`,
    });
  }
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const models: GatewayModel[] = [];
  data.routes.forEach((r, i) => {
    const at = (f: string) => ({ ...locate(src, ['routes', i, f]), field: `routes[${i}].${f}` });
    const provider = providers.get(r.route.split('/')[0]!);
    if (!provider) problems.push({ ...at('route'), message: `provider "${r.route.split('/')[0]}" has no entry under providers:` });
    const key = `${r.route}|${r.serves ?? ''}`;
    if (seen.has(key)) problems.push({ ...at('route'), message: `"${r.route}"${r.serves ? ` serving ${r.serves}` : ''} is mapped twice` });
    seen.add(key);
    if (provider) models.push({ route: r.route, ...(r.serves ? { serves: r.serves } : {}), provider, model: r.model, ...(r.openrouter ? { openrouter: r.openrouter } : {}), source: r.source, asOf: r.as_of });
  });
  if (problems.length) throw new InputFileError(file, problems);
  return { file, providers, models };
}

/** The mapping of a route (and, for GPU routes, the model it serves); undefined when the table lacks it. */
export function gatewayModelFor(table: GatewayModels, route: string, serves?: string): GatewayModel | undefined {
  const exact = table.models.find((m) => m.route === route && (m.serves ?? undefined) === (serves ?? undefined));
  return exact ?? (serves ? undefined : table.models.find((m) => m.route === route && !m.serves));
}
