/**
 * `@sluice/testkit`: the conformance suite every Sluice connector runs. A connector supplies a spec (its
 * class, a fixture that feeds or reads its external system, the records it must produce or write, and
 * configs it must refuse); {@link sourceConformance} / {@link sinkConformance} register node:test tests
 * that run it on a real worker against a real broker: delivery, resume from offset, task restart, worker
 * crash, bad config, pause/resume. See README.md.
 *
 * @packageDocumentation
 */

export { canonical } from './canonical.js'
export { checkDelivery, type DeliveryGuarantee, type DeliveryReport, seqRange } from './delivery-check.js'
export { SUITE_WORKER_DEFAULTS } from './environment.js'
export { InputProducer, type OutgoingRecord, type Placement } from './kafka-io.js'
export { OFFSET_HEADER, OFFSET_HEADER_CLASS, offsetHeaderValue } from './offset-header-plugin.js'
export { sinkConformance } from './sink-conformance.js'
export { sourceConformance } from './source-conformance.js'
export type {
  BadConfigCase,
  ConformanceContext,
  ConformanceSpecBase,
  ExpectedSourceRecord,
  SinkConformanceSpec,
  SinkFixture,
  SinkFixtureContext,
  SinkInputRecord,
  SourceConformanceSpec,
  SourceFixture,
  SourceFixtureContext,
} from './spec.js'
export { type StatusEvent, StatusRecorder } from './status-recorder.js'
