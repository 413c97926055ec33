// Named exports of this folder: one line per module, so what the folder offers is read here.
export { checkHistogram, histogramQuantile, mergeHistograms, type Histogram, type Quantile } from './histogram.js';
export { measuredGpu, measuredLcpr, withMeasuredInputs, type GpuWindow, type MeasuredInputs, type MeasuredLcpr, type MeasuredOverheads, type MeasuredWindow } from './measured.js';
export { VARIANCE_RED_FLAG, VARIANCE_WATCH, reconcile, traceToMargin, type Cause, type CauseVerdict, type MarginInputs, type PeriodLedger, type Reconciliation, type TraceToMargin } from './reconciliation.js';
export { detectRedFlags, type DailyPoint, type HourlyLatency, type Incident, type PriceChange, type RedFlagInput, type RouteUse, type Signal, type WeeklyLatency } from './red-flags.js';
export { batchDisplacementShare, cacheAdjustedInputBurden, costPerAccepted, measuredTraceKitMetrics, tailRatio, traceKitMetrics, type MeasuredTraceKitInputs, type MeasuredTraceKitMetrics, type RouteSummary, type TraceKitMetricName, type TraceKitMetrics } from './trace-kit.js';
export { goodput, goodputFromCounts, shareWithinSlo, type Goodput, type GoodputInput, type LatencySpread } from './goodput.js';
export { MEAN_DAYS_PER_MONTH, acceptedOutputs, monthsBetween, prorationText, prorationWindow, windowOfLength, type ProrationRequest, type ProrationRule, type ProrationWindow } from './proration.js';
export { OVERHEAD_NAMES, measuredCostPerAccepted, type CostPerAcceptedInput, type CostPerAcceptedResult, type MeasuredOverheadTerms, type OverheadName, type OverheadTerm } from './cost-per-accepted.js';
