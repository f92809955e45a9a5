import type { MetricGroup } from './catalog.js'
import type {
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
  TaskStateEvent,
} from './channels.js'
import { AvgMax, Frequency, Meter, type StatConfig, Total } from './kafka-stats.js'

/** One exported value: a catalog metric, its tags, its value now. */
export interface MetricValue {
  readonly group: MetricGroup
  readonly name: string
  readonly tags: Readonly<Record<string, string>>
  readonly value: number
}

type Emit = (group: MetricGroup, name: string, tags: Readonly<Record<string, string>>, value: number) => void

const STATES: readonly ObservedState[] = [
  'UNASSIGNED',
  'RUNNING',
  'PAUSED',
  'FAILED',
  'RESTARTING',
  'STOPPED',
]

/** Kafka's status strings are lower-case (`running`, `paused`, …). */
const statusLabel = (s: ObservedState): string => s.toLowerCase()

class TaskStats {
  readonly tags: Readonly<Record<string, string>>
  kind: 'source' | 'sink' | undefined
  state: ObservedState = 'UNASSIGNED'
  #stateSince: number
  #runningMs = 0
  #pausedMs = 0
  readonly #created: number
  readonly commitTime: AvgMax
  readonly commitOutcome: Frequency
  readonly batchSize: AvgMax
  // source
  readonly poll: Meter
  readonly write: Meter
  readonly pollTime: AvgMax
  active = 0
  readonly activeStats: AvgMax
  backlogRecords: number | undefined
  backlogBytes: number | undefined
  // sink
  readonly read: Meter
  readonly send: Meter
  readonly putTime: AvgMax
  readonly commitCompleted: Meter
  readonly commitSkipped: Meter
  commitSeq = 0
  partitions = 0
  lag = new Map<string, { topic: string; partition: number; lag: number }>()
  // errors
  readonly failures = new Total()
  readonly errors = new Total()
  readonly skipped = new Total()
  readonly retries = new Total()
  readonly logged = new Total()
  readonly dlqRequests = new Total()
  readonly dlqFailures = new Total()
  lastErrorTime = 0

  constructor(ref: TaskRef, cfg: StatConfig) {
    this.tags = { connector: ref.connector, task: String(ref.task) }
    this.#created = cfg.now()
    this.#stateSince = this.#created
    this.commitTime = new AvgMax(cfg)
    this.commitOutcome = new Frequency(cfg)
    this.batchSize = new AvgMax(cfg)
    this.poll = new Meter(cfg)
    this.write = new Meter(cfg)
    this.pollTime = new AvgMax(cfg)
    this.activeStats = new AvgMax(cfg)
    this.read = new Meter(cfg)
    this.send = new Meter(cfg)
    this.putTime = new AvgMax(cfg)
    this.commitCompleted = new Meter(cfg)
    this.commitSkipped = new Meter(cfg)
  }

  setState(state: ObservedState, now: number): void {
    this.#accrue(now)
    this.state = state
  }

  #accrue(now: number): void {
    const d = Math.max(0, now - this.#stateSince)
    if (this.state === 'RUNNING') this.#runningMs += d
    else if (this.state === 'PAUSED') this.#pausedMs += d
    this.#stateSince = now
  }

  setActive(n: number, now: number): void {
    this.active = Math.max(0, n)
    this.activeStats.record(this.active, now)
  }

  collect(now: number, emit: Emit): void {
    const t = this.tags
    this.#accrue(now)
    const life = Math.max(1, now - this.#created)
    // The families the catalog builds with meter()/maxAvg()/active(), emitted the same way.
    const meter = (g: MetricGroup, name: string, m: Meter): void => {
      emit(g, `${name}-rate`, t, m.rate.measure(now))
      emit(g, `${name}-total`, t, m.total.value)
    }
    const maxAvg = (g: MetricGroup, prefix: string, suffix: string, s: AvgMax): void => {
      emit(g, `${prefix}-max${suffix}`, t, s.max.measure(now))
      emit(g, `${prefix}-avg${suffix}`, t, s.avg.measure(now))
    }
    const active = (g: MetricGroup, kind: string): void => {
      emit(g, `${kind}-record-active-count`, t, this.active)
      maxAvg(g, `${kind}-record-active-count`, '', this.activeStats)
    }
    const T = 'connector-task-metrics'
    for (const s of STATES) emit(T, 'status', { ...t, status: statusLabel(s) }, s === this.state ? 1 : 0)
    emit(T, 'running-ratio', t, this.#runningMs / life)
    emit(T, 'pause-ratio', t, this.#pausedMs / life)
    maxAvg(T, 'offset-commit', '-time-ms', this.commitTime)
    emit(T, 'offset-commit-success-percentage', t, this.commitOutcome.measure(true, now))
    emit(T, 'offset-commit-failure-percentage', t, this.commitOutcome.measure(false, now))
    maxAvg(T, 'batch-size', '', this.batchSize)
    if (this.kind === 'source') {
      const g = 'source-task-metrics'
      meter(g, 'source-record-poll', this.poll)
      meter(g, 'source-record-write', this.write)
      maxAvg(g, 'poll-batch', '-time-ms', this.pollTime)
      active(g, 'source')
      const B = 'sluice-source-task-metrics'
      if (this.backlogRecords !== undefined) emit(B, 'source-backlog-records', t, this.backlogRecords)
      if (this.backlogBytes !== undefined) emit(B, 'source-backlog-bytes', t, this.backlogBytes)
    }
    if (this.kind === 'sink') {
      const g = 'sink-task-metrics'
      meter(g, 'sink-record-read', this.read)
      meter(g, 'sink-record-send', this.send)
      let lagMax = this.lag.size === 0 ? 0 : Number.NEGATIVE_INFINITY
      for (const l of this.lag.values()) {
        if (l.lag > lagMax) lagMax = l.lag
        emit(
          'sluice-sink-task-metrics',
          'consumer-lag',
          { ...t, topic: l.topic, partition: String(l.partition) },
          l.lag,
        )
      }
      emit(g, 'sink-record-lag-max', t, lagMax)
      emit(g, 'partition-count', t, this.partitions)
      emit(g, 'offset-commit-seq-no', t, this.commitSeq)
      meter(g, 'offset-commit-completion', this.commitCompleted)
      meter(g, 'offset-commit-skip', this.commitSkipped)
      maxAvg(g, 'put-batch', '-time-ms', this.putTime)
      active(g, 'sink')
    }
    const e = 'task-error-metrics'
    emit(e, 'total-record-failures', t, this.failures.value)
    emit(e, 'total-record-errors', t, this.errors.value)
    emit(e, 'total-records-skipped', t, this.skipped.value)
    emit(e, 'total-retries', t, this.retries.value)
    emit(e, 'total-errors-logged', t, this.logged.value)
    emit(e, 'deadletterqueue-produce-requests', t, this.dlqRequests.value)
    emit(e, 'deadletterqueue-produce-failures', t, this.dlqFailures.value)
    emit(e, 'last-error-timestamp', t, this.lastErrorTime)
  }
}

/**
 * The worker's metric state in Kafka Connect's groups, fed by the telemetry events and read when an
 * exporter collects. Rates, averages and maxima are computed at read time from windowed samples, as
 * Kafka's `Metrics` does; task groups disappear with their task, connector groups with their
 * connector.
 */
export class ConnectMetrics {
  readonly #cfg: StatConfig
  readonly #tasks = new Map<string, TaskStats>()
  readonly #connectors = new Map<string, ObservedState>()
  readonly #connectorStartup: Frequency
  readonly #taskStartup: Frequency
  readonly #connectorStarts = { attempts: new Total(), ok: new Total(), failed: new Total() }
  readonly #taskStarts = { attempts: new Total(), ok: new Total(), failed: new Total() }
  // rebalance
  #epoch = 0
  #rebalancing = false
  #rebalanceStart = 0
  #lastRebalance: number | undefined
  #leader: string | undefined
  #protocol: string | undefined
  readonly #rebalances = new Total()
  readonly #rebalanceTime: AvgMax

  constructor(cfg: StatConfig) {
    this.#cfg = cfg
    this.#connectorStartup = new Frequency(cfg)
    this.#taskStartup = new Frequency(cfg)
    this.#rebalanceTime = new AvgMax(cfg)
  }

  #task(ref: TaskRef): TaskStats {
    const key = `${ref.connector}\u0000${ref.task}`
    let t = this.#tasks.get(key)
    if (t === undefined) {
      t = new TaskStats(ref, this.#cfg)
      this.#tasks.set(key, t)
    }
    return t
  }

  taskState(e: TaskStateEvent): void {
    this.#task(e).setState(e.state, e.time)
  }

  taskRemoved(e: TaskRef): void {
    this.#tasks.delete(`${e.connector}\u0000${e.task}`)
  }

  connectorState(e: ConnectorStateEvent): void {
    this.#connectors.set(e.connector, e.state)
  }

  connectorRemoved(connector: string): void {
    this.#connectors.delete(connector)
    for (const [k, t] of this.#tasks) if (t.tags.connector === connector) this.#tasks.delete(k)
  }

  startup(e: StartupEvent, now = this.#cfg.now()): void {
    const isTask = e.task !== undefined
    const freq = isTask ? this.#taskStartup : this.#connectorStartup
    const totals = isTask ? this.#taskStarts : this.#connectorStarts
    freq.record(e.ok, now)
    totals.attempts.record()
    ;(e.ok ? totals.ok : totals.failed).record()
  }

  sourcePolled(e: SourceBatchPolledEvent, now = this.#cfg.now()): void {
    const t = this.#task(e)
    t.kind = 'source'
    t.poll.record(e.polled, now)
    t.pollTime.record(e.pollMs, now)
    t.batchSize.record(e.polled, now)
    t.setActive(t.active + e.polled, now)
  }

  sourceProduced(e: SourceBatchProducedEvent, now = this.#cfg.now()): void {
    const t = this.#task(e)
    t.kind = 'source'
    t.write.record(e.records, now)
    t.setActive(t.active - e.polled, now)
  }

  sinkRead(e: SinkBatchReadEvent, now = this.#cfg.now()): void {
    const t = this.#task(e)
    t.kind = 'sink'
    t.read.record(e.records, now)
    t.batchSize.record(e.records, now)
    t.setActive(t.active + e.records, now)
  }

  sinkPut(e: SinkBatchPutEvent, now = this.#cfg.now()): void {
    const t = this.#task(e)
    t.kind = 'sink'
    t.send.record(e.sent, now)
    t.putTime.record(e.putMs, now)
    t.setActive(t.active - e.read, now)
  }

  offsetCommit(e: OffsetCommitEvent, now = this.#cfg.now()): void {
    const t = this.#task(e)
    t.kind ??= e.kind
    if (e.outcome === 'skipped') {
      if (e.kind === 'sink') t.commitSkipped.record(1, now)
      return
    }
    t.commitTime.record(e.durationMs, now)
    t.commitOutcome.record(e.outcome === 'completed', now)
    if (e.kind === 'sink') {
      t.commitSeq++
      if (e.outcome === 'completed') t.commitCompleted.record(1, now)
    }
  }

  recordErrors(e: RecordErrorEvent): void {
    const t = this.#task(e)
    t.failures.record(e.failures)
    t.errors.record(e.errors)
    t.skipped.record(e.skipped)
    t.retries.record(e.retries)
    t.logged.record(e.logged)
    t.dlqRequests.record(e.dlqRequests)
    t.dlqFailures.record(e.dlqFailures)
    if (e.lastErrorTime > t.lastErrorTime) t.lastErrorTime = e.lastErrorTime
  }

  sinkLag(e: SinkLagEvent): void {
    const t = this.#task(e)
    t.kind = 'sink'
    for (const p of e.partitions) t.lag.set(`${p.topic}\u0000${p.partition}`, p)
  }

  sinkPartitions(e: SinkPartitionsEvent): void {
    const t = this.#task(e)
    t.kind = 'sink'
    t.partitions = e.count
    // Lag of partitions no longer assigned is stale; the next lag event refills the rest.
    if (e.count === 0) t.lag.clear()
  }

  sourceBacklog(e: SourceBacklogEvent): void {
    const t = this.#task(e)
    t.kind = 'source'
    if (e.records !== undefined) t.backlogRecords = e.records
    if (e.bytes !== undefined) t.backlogBytes = e.bytes
  }

  rebalance(e: RebalanceEvent): void {
    if (e.epoch !== undefined) this.#epoch = e.epoch
    if (e.leader !== undefined) this.#leader = e.leader
    if (e.protocol !== undefined) this.#protocol = e.protocol
    if (e.phase === 'started') {
      this.#rebalancing = true
      this.#rebalanceStart = e.time
      return
    }
    if (this.#rebalancing) this.#rebalanceTime.record(e.time - this.#rebalanceStart, e.time)
    this.#rebalancing = false
    this.#rebalances.record()
    this.#lastRebalance = e.time
  }

  /** Every value of every group, as of now. */
  collect(emit: Emit, now = this.#cfg.now()): void {
    const W = 'connect-worker-metrics'
    // A STOPPED connector (KIP-875) does not run on the worker, as in Kafka's count.
    let running = 0
    for (const s of this.#connectors.values()) if (s !== 'STOPPED') running++
    emit(W, 'connector-count', {}, running)
    emit(W, 'task-count', {}, this.#tasks.size)
    for (const [prefix, totals, freq] of [
      ['connector', this.#connectorStarts, this.#connectorStartup],
      ['task', this.#taskStarts, this.#taskStartup],
    ] as const) {
      emit(W, `${prefix}-startup-attempts-total`, {}, totals.attempts.value)
      emit(W, `${prefix}-startup-success-total`, {}, totals.ok.value)
      emit(W, `${prefix}-startup-failure-total`, {}, totals.failed.value)
      emit(W, `${prefix}-startup-success-percentage`, {}, freq.measure(true, now))
      emit(W, `${prefix}-startup-failure-percentage`, {}, freq.measure(false, now))
    }
    const perConnector = new Map<string, Record<ObservedState | 'total', number>>()
    for (const c of this.#connectors.keys())
      perConnector.set(c, {
        total: 0,
        UNASSIGNED: 0,
        RUNNING: 0,
        PAUSED: 0,
        FAILED: 0,
        RESTARTING: 0,
        STOPPED: 0,
      })
    for (const t of this.#tasks.values()) {
      const counts = perConnector.get(t.tags.connector!)
      if (counts === undefined) continue
      counts.total++
      counts[t.state]++
    }
    for (const [connector, n] of perConnector) {
      const tags = { connector }
      emit(W, 'connector-total-task-count', tags, n.total)
      emit(W, 'connector-running-task-count', tags, n.RUNNING)
      emit(W, 'connector-paused-task-count', tags, n.PAUSED)
      emit(W, 'connector-failed-task-count', tags, n.FAILED)
      emit(W, 'connector-unassigned-task-count', tags, n.UNASSIGNED)
      // Kafka's DESTROYED: tasks that were stopped and removed; a stopped task here is one in that state.
      emit(W, 'connector-destroyed-task-count', tags, n.STOPPED)
      emit(W, 'connector-restarting-task-count', tags, n.RESTARTING)
      const state = this.#connectors.get(connector)!
      for (const s of STATES)
        emit('connector-metrics', 'status', { connector, status: statusLabel(s) }, s === state ? 1 : 0)
    }
    const R = 'connect-worker-rebalance-metrics'
    emit(R, 'epoch', {}, this.#epoch)
    // Kafka's string-valued metrics as info series: 1 on the series whose label is the current value.
    if (this.#leader !== undefined) emit(R, 'leader-name', { leader: this.#leader }, 1)
    if (this.#protocol !== undefined) emit(R, 'connect-protocol', { protocol: this.#protocol }, 1)
    emit(R, 'completed-rebalances-total', {}, this.#rebalances.value)
    emit(R, 'rebalancing', {}, this.#rebalancing ? 1 : 0)
    emit(R, 'rebalance-max-time-ms', {}, this.#rebalanceTime.max.measure(now))
    emit(R, 'rebalance-avg-time-ms', {}, this.#rebalanceTime.avg.measure(now))
    emit(
      R,
      'time-since-last-rebalance-ms',
      {},
      this.#lastRebalance === undefined ? Number.POSITIVE_INFINITY : now - this.#lastRebalance,
    )
    for (const t of this.#tasks.values()) t.collect(now, emit)
  }

  /** The values as a list (tests, the REST debugging view). */
  values(now = this.#cfg.now()): MetricValue[] {
    const out: MetricValue[] = []
    this.collect((group, name, tags, value) => out.push({ group, name, tags, value }), now)
    return out
  }
}
