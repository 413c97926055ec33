// Named exports of this folder: one line per module, so what the folder offers is read here.
export { LATENCY_TIERS, agentPhases, agentWorkflowCost, chainedWorstCaseMs, routeAgentSteps, workflowFailureRate, type AgentPhase, type AgentPhaseCost, type AgentPhases, type AgentStep, type LatencyTier, type StepRouting, type WorkflowCost } from './agent-workflow.js';
export { COMPLEXITY_FACTORS, COMPLEXITY_TIERS, complexityScore, readinessGaps, type ComplexityResult, type ComplexityTier, type ReadinessGap, type ReadinessGaps, type TierSpec } from './complexity.js';
export { DEFAULT_MIGRATION, decisionBrief, type BriefWorkload, type FleetBrief, type FleetFacts, type WorkloadBrief } from './decision-brief.js';
export { doNothing, doNothingPayback, stayOnClosedApi, type DoNothingInput, type DoNothingResult, type StayPermanentlyInput } from './do-nothing.js';
export { DPO_MULTIPLIER, HIDDEN_COST_MULTIPLIER, fineTunePayback, fineTuneReadiness, loraTrainingCost, type FineTunePayback, type FineTunePaybackInput, type FineTuneReadinessInput, type LoraTrainingTier, type TrainingCost, type TrainingCostInput } from './fine-tune.js';
export { forecastSpend, growthFactor, parseScenario, type Forecast, type ForecastEvent, type ForecastEventKind, type ForecastInput, type ForecastMonth, type ForecastWorkload, type GrowthScenario } from './forecast.js';
export { hardConstraints, routefitMatrix, runFunnel, type CandidateFacts, type CellEvidence, type ConstraintCheck, type FunnelCandidate, type FunnelResult, type FunnelStage, type FunnelWorkload, type MatrixCell, type RoutefitMatrix, type WorkloadConstraints } from './funnel.js';
export { MIGRATION_GATES, RAMP_STAGES, STOP_CRITERIA, migrationChecklist, reversionSignals, type ChecklistResult, type MigrationGateId, type ReversionMetrics } from './migration-checklist.js';
export { LEAD_TIME_PHASES, VOLUME_BANDS, deploymentStepGate, leadTimeSchedule, leaveApiDecision, ownershipGate, specializationGate, volumeGate, type DeploymentStepInput, type LeadTimeInput, type LeadTimeSchedule, type LeaveApiDecision, type OwnershipGateInput, type SpecializationGateInput, type VolumeBand, type VolumeGate, type VolumeGateInput } from './migration-gates.js';
export { migrationCost, payback, type Payback } from './migration.js';
export { multiSourceNetBenefit, multiSourceOverhead, splitWorkload, type MultiSourceOverhead, type NetBenefit, type ProviderShare, type SplitResult } from './multi-source.js';
export { STAGES, playbookStage, revertSignals, type RevertFacts, type Stage, type StageFacts, type StageResult } from './playbook.js';
export { PROCUREMENT_GATES, PROCUREMENT_ROUTES, procurementMatrix, type ProcurementFacts, type ProcurementGate, type ProcurementResult, type ProcurementRoute } from './procurement.js';
export { canaryComparison, canaryProfile, serverlessMigration, type CanaryComparisonInput, type CanaryMetrics, type ServerlessMigration, type ServerlessMigrationInput } from './serverless-migration.js';
export { VENDOR_GATES, negotiationTier, scoreVendor, type GateAnswer, type NegotiationTier, type VendorFacts, type VendorGateId, type VendorRequirements, type VendorScorecard } from './vendor-scorecard.js';
export { flag, flagFact, fmtMonths, numberFact, verdict, weakestEvidence, type Compared, type Flag, type FlagFact, type GateStatus, type Verdict } from './verdict.js';
