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

// Kafka's registry describes its metric families in a few fixed phrasings; these build them, so each
// family is written once (ConnectMetricsRegistry's wording, lightly normalised).

/** `<name>-rate` and `<name>-total` of a count of `what`. */
const meter = (group: MetricGroup, name: string, what: string): MetricSpec[] => [
  g(group, `${name}-rate`, `The average per-second number of ${what}.`),
  c(group, `${name}-total`, `The total number of ${what}.`),
]

/** `<prefix>-max-<suffix>` and `<prefix>-avg-<suffix>` of a measured `what`. */
const maxAvg = (group: MetricGroup, prefix: string, suffix: string, what: string): MetricSpec[] => [
  g(group, `${prefix}-max${suffix}`, `The maximum ${what}.`),
  g(group, `${prefix}-avg${suffix}`, `The average ${what}.`),
]

/** The current, maximum and average number of records in flight (`<kind>-record-active-count…`). */
const active = (group: MetricGroup, kind: string, where: string): MetricSpec[] => [
  g(group, `${kind}-record-active-count`, `The number of records that have been ${where}.`),
  ...maxAvg(group, `${kind}-record-active-count`, '', `number of records that have been ${where}`),
]

/** A worker's start-up figures of connectors or tasks. */
const startups = (what: 'connector' | 'task'): MetricSpec[] => [
  c(
    W,
    `${what}-startup-attempts-total`,
    `The total number of ${what} startups that this worker has attempted.`,
  ),
  ...(['success', 'failure'] as const).flatMap((outcome) => {
    const verb = outcome === 'success' ? 'succeeded' : 'failed'
    return [
      c(W, `${what}-startup-${outcome}-total`, `The total number of ${what} starts that ${verb}.`),
      g(
        W,
        `${what}-startup-${outcome}-percentage`,
        `The average fraction of this worker's ${what}s starts that ${verb}.`,
      ),
    ]
  }),
]

/** Per connector, how many of its tasks on this worker are in each state. */
const taskCounts = ['total', 'running', 'paused', 'failed', 'unassigned', 'destroyed', 'restarting'].map(
  (s) =>
    g(
      W,
      `connector-${s}-task-count`,
      `The number of ${s === 'total' ? '' : `${s} `}tasks of the connector on the worker.`,
    ),
)

/** Kafka's string-valued metrics, exported as info series (1 on the series naming the value). */
const info = (group: MetricGroup, name: string, what: string, label: string): MetricSpec =>
  g(group, name, `${what}: 1 on the series whose ${label} label is the current one.`)

const SOURCE_ACTIVE = 'produced by this task but not yet completely written to Kafka'
const SINK_ACTIVE = 'read from Kafka but not yet completely committed/flushed/acknowledged by the sink task'

export const CATALOG: readonly MetricSpec[] = [
  g(W, 'connector-count', 'The number of connectors run in this worker.'),
  g(W, 'task-count', 'The number of tasks run in this worker.'),
  ...startups('connector'),
  ...startups('task'),
  ...taskCounts,

  g(R, 'epoch', 'The epoch or generation number of this worker.'),
  info(R, 'leader-name', 'The name of the group leader, its URL (distributed mode)', 'leader'),
  info(R, 'connect-protocol', 'The Connect protocol used by this cluster (distributed mode)', 'protocol'),
  c(R, 'completed-rebalances-total', 'The total number of rebalances completed by this worker.'),
  g(R, 'rebalancing', 'Whether this worker is currently rebalancing (1) or not (0).'),
  ...maxAvg(R, 'rebalance', '-time-ms', 'time in milliseconds spent by this worker to rebalance'),
  g(
    R,
    'time-since-last-rebalance-ms',
    'The time in milliseconds since this worker completed the most recent rebalance.',
  ),

  info(CN, 'status', 'The status of the connector', 'status'),

  info(T, 'status', 'The status of the connector task', 'status'),
  g(T, 'running-ratio', 'The fraction of time this task has spent in the running state.'),
  g(T, 'pause-ratio', 'The fraction of time this task has spent in the pause state.'),
  ...maxAvg(T, 'offset-commit', '-time-ms', 'time in milliseconds taken by this task to commit offsets'),
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
  ...maxAvg(T, 'batch-size', '', 'number of records in the batches the task has processed so far'),

  ...meter(SO, 'source-record-poll', 'records produced/polled (before transformation) by this task'),
  ...meter(SO, 'source-record-write', 'records written to Kafka for this task (after transformations)'),
  ...maxAvg(
    SO,
    'poll-batch',
    '-time-ms',
    'time in milliseconds taken by this task to poll for a batch of source records',
  ),
  ...active(SO, 'source', SOURCE_ACTIVE),

  ...meter(SI, 'sink-record-read', 'records read from Kafka for this task (before transformation)'),
  ...meter(SI, 'sink-record-send', 'records output from the transformations and sent/put to this task'),
  g(
    SI,
    'sink-record-lag-max',
    "The maximum lag in terms of number of records that the sink task is behind the consumer's position for any topic partitions.",
  ),
  g(SI, 'partition-count', 'The number of topic partitions assigned to this task.'),
  g(SI, 'offset-commit-seq-no', 'The current sequence number for offset commits.'),
  ...meter(SI, 'offset-commit-completion', 'offset commit completions that were completed successfully'),
  ...meter(
    SI,
    'offset-commit-skip',
    'offset commit completions that were received too late and skipped/ignored',
  ),
  ...maxAvg(SI, 'put-batch', '-time-ms', 'time taken by this task to put a batch of sinks records'),
  ...active(SI, 'sink', SINK_ACTIVE),

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
