/**
 * The metrics Sluice exports: Kafka Connect's groups and names (ConnectMetricsRegistry, KIP-196 and
 * later) plus what Kafka lacks (consumer lag per partition, source backlog, per-stage latency). The
 * OpenTelemetry instrument of `<group>`/`<metric>` is named `kafka.connect.<group>.<metric>`; the
 * Prometheus exporter's sanitising turns that into the name the Prometheus JMX exporter gives the
 * same JMX attribute (`kafka_connect_source_task_metrics_source_record_poll_total`), so existing
 * dashboards and alerts keep working.
 */

export type MetricGroup =
  | 'connect-worker-metrics'
  | 'connect-worker-rebalance-metrics'
  | 'connector-metrics'
  | 'connector-task-metrics'
  | 'source-task-metrics'
  | 'sink-task-metrics'
  | 'task-error-metrics'
  | 'sluice-sink-task-metrics'
  | 'sluice-source-task-metrics'

export interface MetricSpec {
  readonly group: MetricGroup
  readonly name: string
  /**
   * 'counter': a monotonic `*-total` (an OpenTelemetry observable counter, a Prometheus counter);
   * 'gauge': anything else. Kafka's cumulative counts whose names do not end in `-total`
   * (`total-record-errors`, `deadletterqueue-produce-requests`) stay gauges: as counters the Prometheus
   * exporter would append `_total` and break the names the JMX exporter gives them.
   */
  readonly kind: 'counter' | 'gauge'
  readonly description: string
}

const g = (group: MetricGroup, name: string, description: string): MetricSpec => ({
  group,
  name,
  kind: 'gauge',
  description,
})
const c = (group: MetricGroup, name: string, description: string): MetricSpec => ({
  group,
  name,
  kind: 'counter',
  description,
})

const W = 'connect-worker-metrics'
const R = 'connect-worker-rebalance-metrics'
const CN = 'connector-metrics'
const T = 'connector-task-metrics'
const SO = 'source-task-metrics'
const SI = 'sink-task-metrics'
const E = 'task-error-metrics'

export const CATALOG: readonly MetricSpec[] = [
  g(W, 'connector-count', 'The number of connectors run in this worker.'),
  g(W, 'task-count', 'The number of tasks run in this worker.'),
  c(
    W,
    'connector-startup-attempts-total',
    'The total number of connector startups that this worker has attempted.',
  ),
  c(W, 'connector-startup-success-total', 'The total number of connector starts that succeeded.'),
  g(
    W,
    'connector-startup-success-percentage',
    "The average fraction of this worker's connectors starts that succeeded.",
  ),
  c(W, 'connector-startup-failure-total', 'The total number of connector starts that failed.'),
  g(
    W,
    'connector-startup-failure-percentage',
    "The average fraction of this worker's connectors starts that failed.",
  ),
  c(W, 'task-startup-attempts-total', 'The total number of task startups that this worker has attempted.'),
  c(W, 'task-startup-success-total', 'The total number of task starts that succeeded.'),
  g(
    W,
    'task-startup-success-percentage',
    "The average fraction of this worker's tasks starts that succeeded.",
  ),
  c(W, 'task-startup-failure-total', 'The total number of task starts that failed.'),
  g(W, 'task-startup-failure-percentage', "The average fraction of this worker's tasks starts that failed."),
  g(W, 'connector-total-task-count', 'The number of tasks of the connector on the worker.'),
  g(W, 'connector-running-task-count', 'The number of running tasks of the connector on the worker.'),
  g(W, 'connector-paused-task-count', 'The number of paused tasks of the connector on the worker.'),
  g(W, 'connector-failed-task-count', 'The number of failed tasks of the connector on the worker.'),
  g(W, 'connector-unassigned-task-count', 'The number of unassigned tasks of the connector on the worker.'),
  g(W, 'connector-destroyed-task-count', 'The number of destroyed tasks of the connector on the worker.'),
  g(W, 'connector-restarting-task-count', 'The number of restarting tasks of the connector on the worker.'),

  g(R, 'epoch', 'The epoch or generation number of this worker.'),
  g(
    R,
    'leader-name',
    "The name of the group leader: 1 on the series whose leader label is the leader's URL (distributed mode).",
  ),
  g(
    R,
    'connect-protocol',
    'The Connect protocol used by this cluster: 1 on the series whose protocol label names it (distributed mode).',
  ),
  c(R, 'completed-rebalances-total', 'The total number of rebalances completed by this worker.'),
  g(R, 'rebalancing', 'Whether this worker is currently rebalancing (1) or not (0).'),
  g(R, 'rebalance-max-time-ms', 'The maximum time in milliseconds spent by this worker to rebalance.'),
  g(R, 'rebalance-avg-time-ms', 'The average time in milliseconds spent by this worker to rebalance.'),
  g(
    R,
    'time-since-last-rebalance-ms',
    'The time in milliseconds since this worker completed the most recent rebalance.',
  ),

  g(CN, 'status', 'The status of the connector: 1 on the series whose status label is the current one.'),

  g(T, 'status', 'The status of the connector task: 1 on the series whose status label is the current one.'),
  g(T, 'running-ratio', 'The fraction of time this task has spent in the running state.'),
  g(T, 'pause-ratio', 'The fraction of time this task has spent in the pause state.'),
  g(T, 'offset-commit-max-time-ms', 'The maximum time in milliseconds taken by this task to commit offsets.'),
  g(T, 'offset-commit-avg-time-ms', 'The average time in milliseconds taken by this task to commit offsets.'),
  g(
    T,
    'offset-commit-success-percentage',
    "The average fraction of this task's offset commit attempts that succeeded.",
  ),
  g(
    T,
    'offset-commit-failure-percentage',
    "The average fraction of this task's offset commit attempts that failed or had an error.",
  ),
  g(T, 'batch-size-max', 'The number of records in the largest batch the task has processed so far.'),
  g(T, 'batch-size-avg', 'The average number of records in the batches the task has processed so far.'),

  g(
    SO,
    'source-record-poll-rate',
    'The average per-second number of records produced/polled (before transformation) by this task.',
  ),
  c(
    SO,
    'source-record-poll-total',
    'The total number of records produced/polled (before transformation) by this task.',
  ),
  g(
    SO,
    'source-record-write-rate',
    'The average per-second number of records written to Kafka for this task (after transformations).',
  ),
  c(
    SO,
    'source-record-write-total',
    'The number of records output written to Kafka for this task (after transformations).',
  ),
  g(
    SO,
    'poll-batch-max-time-ms',
    'The maximum time in milliseconds taken by this task to poll for a batch of source records.',
  ),
  g(
    SO,
    'poll-batch-avg-time-ms',
    'The average time in milliseconds taken by this task to poll for a batch of source records.',
  ),
  g(
    SO,
    'source-record-active-count',
    'The number of records that have been produced by this task but not yet completely written to Kafka.',
  ),
  g(
    SO,
    'source-record-active-count-max',
    'The maximum number of records that have been produced by this task but not yet completely written to Kafka.',
  ),
  g(
    SO,
    'source-record-active-count-avg',
    'The average number of records that have been produced by this task but not yet completely written to Kafka.',
  ),

  g(
    SI,
    'sink-record-read-rate',
    'The average per-second number of records read from Kafka for this task (before transformation).',
  ),
  c(
    SI,
    'sink-record-read-total',
    'The total number of records read from Kafka by this task (before transformation).',
  ),
  g(
    SI,
    'sink-record-send-rate',
    'The average per-second number of records output from the transformations and sent/put to this task.',
  ),
  c(
    SI,
    'sink-record-send-total',
    'The total number of records output from the transformations and sent/put to this task.',
  ),
  g(
    SI,
    'sink-record-lag-max',
    "The maximum lag in terms of number of records that the sink task is behind the consumer's position for any topic partitions.",
  ),
  g(SI, 'partition-count', 'The number of topic partitions assigned to this task.'),
  g(SI, 'offset-commit-seq-no', 'The current sequence number for offset commits.'),
  g(
    SI,
    'offset-commit-completion-rate',
    'The average per-second number of offset commit completions that were completed successfully.',
  ),
  c(
    SI,
    'offset-commit-completion-total',
    'The total number of offset commit completions that were completed successfully.',
  ),
  g(
    SI,
    'offset-commit-skip-rate',
    'The average per-second number of offset commit completions that were received too late and skipped/ignored.',
  ),
  c(
    SI,
    'offset-commit-skip-total',
    'The total number of offset commit completions that were received too late and skipped/ignored.',
  ),
  g(SI, 'put-batch-max-time-ms', 'The maximum time taken by this task to put a batch of sinks records.'),
  g(SI, 'put-batch-avg-time-ms', 'The average time taken by this task to put a batch of sinks records.'),
  g(
    SI,
    'sink-record-active-count',
    'The number of records that have been read from Kafka but not yet completely committed/flushed/acknowledged by the sink task.',
  ),
  g(
    SI,
    'sink-record-active-count-max',
    'The maximum number of records that have been read from Kafka but not yet completely committed/flushed/acknowledged by the sink task.',
  ),
  g(
    SI,
    'sink-record-active-count-avg',
    'The average number of records that have been read from Kafka but not yet completely committed/flushed/acknowledged by the sink task.',
  ),

  g(E, 'total-record-failures', 'The number of record processing failures in this task.'),
  g(E, 'total-record-errors', 'The number of record processing errors in this task.'),
  g(E, 'total-records-skipped', 'The number of records skipped due to errors.'),
  g(E, 'total-retries', 'The number of operations retried.'),
  g(E, 'total-errors-logged', 'The number of errors that were logged.'),
  g(E, 'deadletterqueue-produce-requests', 'The number of attempted writes to the dead letter queue.'),
  g(E, 'deadletterqueue-produce-failures', 'The number of failed writes to the dead letter queue.'),
  g(E, 'last-error-timestamp', 'The epoch timestamp when this task last encountered an error.'),

  g(
    'sluice-sink-task-metrics',
    'consumer-lag',
    'Records between the committed-or-consumed position of the sink task and the end of the partition (tags topic, partition).',
  ),
  g(
    'sluice-source-task-metrics',
    'source-backlog-records',
    'Records the source task reports as still waiting upstream (when it can count them).',
  ),
  g(
    'sluice-source-task-metrics',
    'source-backlog-bytes',
    'Bytes the source task reports as still waiting upstream (e.g. the unread rest of a file).',
  ),
]

/** The OpenTelemetry instrument name of a catalog metric. */
export function otelName(spec: Pick<MetricSpec, 'group' | 'name'>): string {
  return `kafka.connect.${spec.group}.${spec.name}`
}

/** The Prometheus name the JMX exporter (and our Prometheus endpoint) gives a catalog metric. */
export function prometheusName(spec: Pick<MetricSpec, 'group' | 'name'>): string {
  return otelName(spec).replace(/[^a-zA-Z0-9_:]/g, '_')
}

/** Per-stage latency histogram (Kafka has none): one measurement per batch and stage. */
export const STAGE_HISTOGRAM = {
  name: 'sluice.task.stage.duration',
  prometheus: 'sluice_task_stage_duration',
  unit: 'ms',
  description:
    'Time a task spent on one stage of a batch (poll, transform, convert, produce, put, commit), in milliseconds.',
  /** Milliseconds; chosen for batch stages that span sub-millisecond transforms to multi-second puts. */
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
} as const

export type Stage = 'poll' | 'transform' | 'convert' | 'produce' | 'put' | 'commit'
