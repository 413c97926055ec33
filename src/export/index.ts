import { LineCounter, parseAllDocuments, stringify } from 'yaml';
import { InputFileError, readInputText } from '../io/yaml-file.js';
import { type EnvoyOptions, toEnvoy } from './envoy.js';
import { toLitellm } from './litellm.js';
import { toOpenrouter } from './openrouter.js';
import type { ExportPlan } from './plan.js';
import { toPortkey } from './portkey.js';

export { exportPlan, stageShare, integerWeights, RAMP_STAGE_IDS, RETRY_STATUS_CODES, DEFAULT_RETRIES, type ExportPlan, type ExportOptions, type WorkloadExport, type PlannedGroup, type PlannedTarget, type RampStageId } from './plan.js';
export { diffConfigs, renderChanges, redact, type ConfigChange } from './diff.js';
export { toLitellm, toPortkey, toOpenrouter, toEnvoy };

export const GATEWAYS = ['litellm', 'portkey', 'openrouter', 'envoy'] as const;
export type Gateway = (typeof GATEWAYS)[number];

export interface RenderedConfig {
  gateway: Gateway;
  /** The config as data (what the schema tests validate; what --diff compares). */
  data: unknown;
  /** The file to write: YAML for LiteLLM and Envoy, JSON for Portkey and OpenRouter. */
  text: string;
}

/** One plan, rendered in a gateway's own format with a provenance header where the format allows comments. */
export function renderConfig(gateway: Gateway, plan: ExportPlan, header: string[], opts: EnvoyOptions = {}): RenderedConfig {
  const comment = header.map((l) => `# ${l}`).join('\n') + '\n';
  switch (gateway) {
    case 'litellm': {
      const data = toLitellm(plan);
      return { gateway, data, text: comment + stringify(data, { lineWidth: 0 }) };
    }
    case 'envoy': {
      const data = toEnvoy(plan, opts);
      return { gateway, data, text: comment + data.map((d) => stringify(d, { lineWidth: 0 })).join('---\n') };
    }
    case 'portkey': {
      const data = toPortkey(plan);
      return { gateway, data, text: JSON.stringify(data, null, 2) + '\n' };
    }
    case 'openrouter': {
      const data = toOpenrouter(plan);
      return { gateway, data, text: JSON.stringify(data, null, 2) + '\n' };
    }
  }
}

/** Today's config for --diff: JSON or YAML (several documents for Envoy), errors with file:line. */
export function readCurrentConfig(file: string, gateway: Gateway): unknown {
  const text = readInputText(file, 10_000_000, 'a gateway config');
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { prettyErrors: false, lineCounter });
  const list = Array.isArray(docs) ? docs : [docs];
  const errors = list.flatMap((d) => d.errors);
  if (errors.length) {
    throw new InputFileError(file, errors.map((e) => ({ ...(() => { const at = lineCounter.linePos(e.pos[0]); return { line: at.line, column: at.col }; })(), message: `malformed ${gateway} config: ${e.message.split('\n')[0]}` })));
  }
  const data = list.map((d) => d.toJS({ maxAliasCount: 100 })).filter((d) => d !== null && d !== undefined);
  if (!data.length) throw new InputFileError(file, [{ line: 1, message: `empty ${gateway} config` }]);
  return gateway === 'envoy' ? data : data[0];
}
