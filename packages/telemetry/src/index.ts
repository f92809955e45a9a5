export type { MetricGroup, MetricSpec, Stage } from './catalog.js'
export { CATALOG, otelName, prometheusName, STAGE_HISTOGRAM } from './catalog.js'
export type {
  ChannelName,
  ChannelPayloads,
  ConnectorRemovedEvent,
  ConnectorStateEvent,
  ObservedState,
  OffsetCommitEvent,
  RebalanceEvent,
  RecordErrorEvent,
  SinkBatchPutEvent,
  SinkBatchReadEvent,
  SinkLagEvent,
  SinkPartitionsEvent,
  SourceBacklogEvent,
  SourceBatchPolledEvent,
  SourceBatchProducedEvent,
  StartupEvent,
  TaskRef,
  TaskRemovedEvent,
  TaskStateEvent,
  TypedChannel,
} from './channels.js'
export { CHANNELS, channel, publish } from './channels.js'
export type { MetricValue } from './connect-metrics.js'
export { ConnectMetrics } from './connect-metrics.js'
export type { StatConfig } from './kafka-stats.js'
export { Avg, DEFAULT_STAT_CONFIG, Frequency, Max, Rate, Total } from './kafka-stats.js'
export type { MetricsBridgeOptions } from './metrics-bridge.js'
export { MetricsBridge } from './metrics-bridge.js'
export type {
  RecordCoordinates,
  RecordTracerOptions,
  SinkBatchTimes,
  SourceBatchTimes,
} from './record-tracing.js'
export {
  formatTraceparent,
  parseTraceparent,
  RecordTracer,
  SinkRecordTrace,
  SourceRecordTrace,
  TRACEPARENT_HEADER,
} from './record-tracing.js'
