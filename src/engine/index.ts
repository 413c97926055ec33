/**
 * routefit's engine: pure, deterministic, browser-safe. One folder per concept, each with a named
 * index: cost (LCPR and token pricing), capacity (GPUs, break-even, TCO, sizing), decisions (gates,
 * funnel, scorecards, plan), uncertainty (sensitivity, sweeps, Monte Carlo), measured (traces judged).
 */
export * from './evidence.js';
export * from './errors.js';
export * from './units.js';
export * from './cost/index.js';
export * from './capacity/index.js';
export * from './decisions/index.js';
export * from './uncertainty/index.js';
export * from './measured/index.js';
