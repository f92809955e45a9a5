/**
 * `@sluice/benchmarks`: the benchmark harness (`npm run bench`). Sluice vs Java Kafka Connect vs Kafka's
 * perf tools on one broker; see README.md.
 *
 * @packageDocumentation
 */

export { type BenchOptions, latencyRate, runBench } from './bench.js'
export type {
  BenchResults,
  Group,
  LatencyFigures,
  ProfileSummary,
  Ratio,
  RunMetrics,
  ScenarioResult,
  ScenarioSummary,
  Side,
} from './model.js'
export { GROUPS } from './model.js'
export { summarizeProfiles } from './profile.js'
export { computeRatios, markdown } from './report.js'
export { FULL, QUICK, type Sizes } from './settings.js'
export { median, percentile, type Summary, summarize } from './stats.js'
