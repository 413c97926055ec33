// Named exports of this folder: one line per module, so what the folder offers is read here.
export { dedicatedBreakeven, managedCrossover, type Breakeven, type BreakevenInput, type Crossover } from './breakeven.js';
export { dedicatedShape, type DedicatedShape, type DedicatedShapeInput } from './dedicated-shape.js';
export { monthlyFromHourly, sizeGpus, type GpuDemand, type GpuSizing, type GpuSupply } from './capacity.js';
export { INTERCONNECTS, kvTransfer, type Interconnect, type KvTransfer, type KvTransferInput } from './disaggregation.js';
export { LOADED_FTE_MONTHLY, ON_CALL_FLOOR_FTE, SELF_MANAGED_MIN_GPUS, devolutionSignals, managedVsSelfManaged, operationalTax, type DevolutionSignal, type FleetHealth, type ManagedVsSelf, type OperationalTax, type Overhead } from './self-managed.js';
export { PRECISION_BYTES, gpuStepCount, kvCacheBytes, kvEqualsWeightsContext, littlesLaw, littlesLawCapacity, precisionBytes, sizeKvPool, sizeModel, type GpuShape, type KvPool, type KvPoolInput, type ModelShape, type Precision, type Sizing, type SizingInput } from './sizing.js';
export { SPECDEC_BATCH_CAVEAT, speculativeDecoding, speculativeThroughput, type SpecDecode, type SpecThroughput, type SpecThroughputInput } from './speculative-decoding.js';
export { monthlyTokenCost, overheadPerDay, selfHostedBreakevenUtilization, selfHostedPerMillion, selfHostingTco, type Tco, type TcoInput, type TcoRow } from './tco.js';
export { HOURS_PER_WEEK, patternFromHourly, patternPreset, type TrafficPattern } from './traffic.js';
export { estimatedGoodputPerHour, evaluateShape, utilizationGate, type GateInput, type ShapeOption, type ShapeOptions, type ShapeResult, type UtilizationGate } from './utilization-gate.js';
