import { createRequire } from 'node:module'
import type { MessagePort } from 'node:worker_threads'
import { threadId } from 'node:worker_threads'
import type {
  Connector,
  OffsetStorageReader,
  SinkRecord,
  SinkTask,
  SinkTaskContext,
  SourceOffset,
  SourcePartition,
  SourceRecord,
  SourceTask,
  TopicPartition,
  TopicPartitionOffset,
} from '@sluice/api'
import { ConnectError, decodeError, encodeError, RetriableError, sourceRecord } from '@sluice/api'
import { concatMap, defer, Subject, takeUntil } from 'rxjs'
import { hideInLogs, LOGGERS, Logger } from '../log.js'
import { createPlugin } from '../plugins/loader.js'
import { nowMs, readBacklog, type SinkBatchStats, type SourceBatchStats } from '../telemetry/events.js'
import { decode, send } from '../wire/codec.js'
import type {
  ConsumedRecord,
  ErrantRecord,
  FromTask,
  ProduceRecord,
  SourceReplayRecord,
  TaskSpec,
  ToTask,
} from '../wire/messages.js'
import { packProduceRecords, unpackConsumed } from '../wire/packed-records.js'
import type { ErrorCounts } from './error-counts.js'
import {
  type ErrantOrigin,
  type ErrantReport,
  ErrorHandler,
  type ErrorHandlingSpec,
  javaExceptionClass,
  javaStackTrace,
  type KafkaStage,
  SKIP,
} from './error-handler.js'
import type { TaskPlugins } from './record-conversion.js'
import {
  applyChain,
  closeTaskPlugins,
  loadTaskPlugins,
  sourcePartitionKeyer,
  toProduceRecord,
  toSinkRecord,
} from './record-conversion.js'
import { TransactionRequests } from './transaction-requests.js'

/**
 * A task actor: one connector task living on a pool thread. It talks to its supervisor on the main
 * thread only through `port`, with msgpackr-encoded, transferred messages. Failures are reported as
 * `failed` messages; the actor then stops and resolves, so a task failure never kills the thread
 * (and the other actors sharing it).
 */
export class TaskActor {
  readonly #port: MessagePort
  readonly #spec: TaskSpec
  readonly #abort = new AbortController()
  readonly #stopped = new Subject<void>()
  #plugins!: TaskPlugins
  #paused: boolean
  #resume: (() => void) | undefined
  #nextReq = 1
  readonly #pending = new Map<number, (msg: ToTask) => void>()
  #done!: () => void
  #finished = false
  #errors!: ErrorHandler
  readonly #errantReplies = new Map<number, (msg: Extract<ToTask, { type: 'errant.done' }>) => void>()

  constructor(port: MessagePort, spec: TaskSpec) {
    this.#port = port
    this.#spec = spec
    this.#paused = spec.targetState !== 'STARTED'
  }

  /** Runs the task until it stops or fails. Never rejects: failures become `failed` messages. */
  run(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      this.#done = resolve
    })
    this.#port.on('message', (buf: ArrayBuffer) => this.#onMessage(decode<ToTask>(buf)))
    this.#start().catch((err: unknown) => this.#fail(err, 'task.start'))
    return done
  }

  #send(msg: FromTask): void {
    send(this.#port, msg)
  }

  #request<T extends ToTask>(build: (req: number) => FromTask): Promise<T> {
    const req = this.#nextReq++
    return new Promise<T>((resolve) => {
      this.#pending.set(req, resolve as (m: ToTask) => void)
      this.#send(build(req))
    })
  }

  #onMessage(msg: ToTask): void {
    switch (msg.type) {
      case 'offsets': {
        const resolve = this.#pending.get(msg.req)
        this.#pending.delete(msg.req)
        resolve?.(msg)
        return
      }
      case 'target':
        this.#setPaused(msg.state !== 'STARTED')
        return
      case 'errant.done': {
        const reply = this.#errantReplies.get(msg.req)
        this.#errantReplies.delete(msg.req)
        reply?.(msg)
        return
      }
      case 'stop':
        void this.#stop()
        return
      case 'diagnostics': {
        // The proof that no pool thread loads the Kafka binding: what this thread's CJS loader holds.
        const loaded = Object.keys(createRequire(import.meta.url).cache)
        this.#send({ type: 'diagnostics', req: msg.req, loadedModules: loaded, threadId })
        return
      }
      default:
        if (this.#onData === undefined) this.#early.push(msg)
        else this.#onData(msg)
    }
  }

  #onData: ((msg: ToTask) => void) | undefined
  /**
   * Data messages that arrived before the task was ready for them: a sink's consumer may be assigned
   * and deliver a batch while `task.start()` still runs on a cold thread. Dropping that batch would
   * lose its records and its credit, and its partition's offsets would never be committed again.
   */
  #early: ToTask[] = []

  /** Installs the data handler and hands it what arrived early, in order. */
  #setOnData(handler: (msg: ToTask) => void): void {
    this.#onData = handler
    const early = this.#early
    this.#early = []
    for (const msg of early) handler(msg)
  }

  #setPaused(paused: boolean): void {
    if (this.#paused === paused) return
    this.#paused = paused
    if (!paused) {
      this.#resume?.()
      this.#resume = undefined
    }
    this.#send({ type: 'state', state: paused ? 'PAUSED' : 'RUNNING' })
  }

  #whileNotPaused(): Promise<void> {
    if (!this.#paused) return Promise.resolve()
    return new Promise((resolve) => {
      this.#resume = resolve
      this.#abort.signal.addEventListener('abort', () => resolve(), { once: true })
    })
  }

  async #start(): Promise<void> {
    const spec = this.#spec
    hideInLogs(spec.secrets)
    this.#plugins = await loadTaskPlugins(spec)
    this.#errors = this.#errorHandler(spec.errors)
    const connector = (await createPlugin(
      spec.connectorPlugin.modulePath,
      spec.connectorPlugin.className,
    )) as Connector
    const TaskClass = connector.taskClass()
    if (spec.kind === 'source') await this.#runSource(new TaskClass() as SourceTask)
    else await this.#runSink(new TaskClass() as SinkTask)
  }

  // ---- source ------------------------------------------------------------------------------

  async #runSource(task: SourceTask): Promise<void> {
    const spec = this.#spec
    const reader: OffsetStorageReader = {
      offset: async (partition) => (await this.#readOffsets([partition]))[0] ?? null,
      offsets: async (partitions) => {
        const offsets = await this.#readOffsets(partitions)
        return partitions.map((partition, i) => ({ partition, offset: offsets[i] ?? null }))
      },
    }
    // KIP-618: only exactly-once tasks with transaction.boundary=connector get a transaction context.
    const txns = spec.transactionBoundary === 'connector' ? new TransactionRequests() : null
    task.initialize({ configs: spec.taskProps, offsetStorageReader: reader, transactionContext: () => txns })
    this.#task = task
    await task.start(spec.taskProps)
    this.#send({ type: 'state', state: this.#paused ? 'PAUSED' : 'RUNNING' })

    const tracksRecords =
      task.commitRecord !== (Object.getPrototypeOf(Object.getPrototypeOf(task)) as SourceTask).commitRecord
    const inFlight = new Map<number, SourceRecord[]>()
    // errors.tolerance=all: the polled records of each batch in flight, and which of them each produced
    // record came from, so a refused send names its record (KAFKA_PRODUCE is reported with the record
    // as polled, as Kafka's WorkerSourceTask does).
    const tolerant = spec.errors.tolerance === 'all'
    const sentFrom = new Map<number, { records: SourceRecord[]; from: number[] }>()
    const creditless = new Set<number>()
    let nextBatch = 1
    const partitionKey = sourcePartitionKeyer()
    // Credits: one per batch the Kafka I/O actor may hold unacknowledged. A poll happens only when a
    // credit is available, so a slow broker stops polling instead of growing a buffer.
    const credits = new Subject<void>()
    this.#setOnData((msg) => {
      if (msg.type === 'produced') {
        const records = inFlight.get(msg.batch)
        inFlight.delete(msg.batch)
        sentFrom.delete(msg.batch)
        if (records !== undefined) for (const r of records) task.commitRecord(r, null)
        // A poll split by transaction requests sent several batches; only its last one holds the credit.
        if (!creditless.delete(msg.batch)) credits.next()
      } else if (msg.type === 'produce.failed') {
        const sent = sentFrom.get(msg.batch)
        if (msg.records === undefined || sent === undefined) {
          this.#fail(decodeError(msg.error), 'produce')
          return
        }
        sentFrom.delete(msg.batch)
        for (const f of msg.records) {
          this.#errors.tolerate({
            stage: 'KAFKA_PRODUCE',
            executingClass: WORKER_SOURCE_TASK,
            error: decodeError(f.error),
            origin: undefined,
            raw: sent.records[sent.from[f.index]!],
          })
        }
        // The batch counts as delivered once its refused records are reported (in the DLQ).
        this.#errors.drain().then(
          () => {
            if (this.#abort.signal.aborted) return
            const records = inFlight.get(msg.batch)
            inFlight.delete(msg.batch)
            if (records !== undefined) for (const r of records) task.commitRecord(r, null)
            this.#send({ type: 'produce.tolerated', batch: msg.batch })
            if (!creditless.delete(msg.batch)) credits.next()
          },
          (err: unknown) => this.#fail(err, 'produce'),
        )
      } else if (msg.type === 'offsets.committed') {
        Promise.resolve(task.commit()).catch((err: unknown) => this.#fail(err, 'commit'))
      } else if (msg.type === 'source.replay') {
        this.#replaySource(msg).catch((err: unknown) => this.#fail(err, 'produce'))
      }
    })

    const pollOnce = async (): Promise<void> => {
      for (;;) {
        await this.#whileNotPaused()
        if (this.#abort.signal.aborted) return
        let records: SourceRecord[] | null
        const pollStart = nowMs() // telemetry: batch timings
        try {
          records = await task.poll(this.#abort.signal)
        } catch (err) {
          if (this.#abort.signal.aborted) return
          if (ConnectError.is(err) && err.retriable) continue
          throw wrap(err, 'poll')
        }
        if (records === null || records.length === 0) {
          this.#idleBacklog(task) // telemetry
          // Let other actors on this thread run between empty polls.
          await new Promise((r) => setImmediate(r))
          continue
        }
        const pollEnd = nowMs() // telemetry
        const { topics, intern } = topicTable()
        let out: ProduceRecord[] = []
        let offsets = new Map<string, readonly [SourcePartition, SourceOffset]>()
        const plugins = this.#plugins
        let from: number[] | undefined = tolerant ? [] : undefined
        let segmentStart = 0
        for (let ri = 0; ri < records.length; ri++) {
          const r = records[ri] as SourceRecord
          const convert = (): ProduceRecord | null => {
            const t = applyChain(plugins.chain, r)
            return t === null ? null : toProduceRecord(plugins, t, intern)
          }
          // The success path is the bare call; the error handler is entered only when a stage threw.
          let p: ProduceRecord | null | typeof SKIP
          try {
            p = convert()
          } catch (err) {
            p = await this.#errors.handle(err, convert, 'TRANSFORMATION', undefined, r)
          }
          if (p !== SKIP && p !== null) {
            out.push(p)
            from?.push(ri)
          }
          // The offset advances even for dropped/skipped records, as Kafka Connect does.
          if (r.sourcePartition !== null && r.sourceOffset !== null) {
            offsets.set(partitionKey(r.sourcePartition), [r.sourcePartition, r.sourceOffset])
          }
          // transaction.boundary=connector: a request on this record ends its transaction right here.
          const txn = txns?.takeRecord(r)
          if (txn !== undefined) {
            const segment = nextBatch++
            creditless.add(segment)
            if (tracksRecords) inFlight.set(segment, records.slice(segmentStart, ri + 1))
            if (from !== undefined) sentFrom.set(segment, { records, from })
            this.#send({
              type: 'batch',
              batch: segment,
              topics: [...topics],
              records: packProduceRecords(out),
              offsets: [...offsets.values()],
              txn,
              credit: false,
            })
            out = []
            offsets = new Map()
            segmentStart = ri + 1
            from = tolerant ? [] : undefined
          }
        }
        const batch = nextBatch++
        // telemetry: transforms and converters run per record inside one error-handled call (KIP-298),
        // so their time is one figure: it is reported as the transform stage, conversion as zero.
        const transformEnd = nowMs()
        const stats: SourceBatchStats = {
          polled: records.length,
          pollStart,
          pollEnd,
          transformEnd,
          convertEnd: transformEnd,
          errors: this.#errors.counts.take(), // telemetry: task-error-metrics of this batch
          backlog: readBacklog(task), // telemetry
        }
        if (tracksRecords) inFlight.set(batch, segmentStart === 0 ? records : records.slice(segmentStart))
        if (from !== undefined) sentFrom.set(batch, { records, from })
        const txn = txns?.takeBatch()
        this.#send({
          type: 'batch',
          batch,
          topics,
          records: packProduceRecords(out),
          offsets: [...offsets.values()],
          stats,
          ...(txn !== undefined && { txn }),
        })
        return
      }
    }

    await new Promise<void>((resolve, reject) => {
      credits
        .pipe(
          concatMap(() => defer(pollOnce)),
          takeUntil(this.#stopped),
        )
        .subscribe({ error: reject, complete: resolve })
      for (let i = 0; i < spec.maxInFlightBatches; i++) credits.next()
    })
  }

  /**
   * Source DLQ replay: each DLQ record is read with the task's converters, becomes a source record
   * again (topic and source position from its DLQ headers), goes through the transforms and the
   * converters out, and is handed back packed for the main thread to produce. Whatever fails is
   * reported (back to the DLQ, with its DLQ bytes as they were), never fatal.
   */
  async #replaySource(msg: Extract<ToTask, { type: 'source.replay' }>): Promise<void> {
    const replayErrors = this.#errorHandler({ ...this.#spec.errors, tolerance: 'all', retryTimeoutMs: 0 })
    const plugins = this.#plugins
    const { topics, intern } = topicTable()
    const out: ProduceRecord[] = []
    const from: number[] = []
    for (const [i, d] of msg.records.entries()) {
      const convert = (): ProduceRecord | null => {
        const read = toSinkRecord(
          plugins,
          [d.topic],
          [0, -1, -1, d.timestamp, d.timestamp < 0 ? 0 : 1, d.key, d.value, d.headers],
        )
        const r = sourceRecord({
          sourcePartition: JSON.parse(d.partition) as SourcePartition,
          sourceOffset: JSON.parse(d.offset) as SourceOffset,
          topic: d.topic,
          keySchema: read.keySchema,
          key: read.key,
          valueSchema: read.valueSchema,
          value: read.value,
          timestamp: read.timestamp,
          headers: read.headers,
        })
        const t = applyChain(plugins.chain, r)
        return t === null ? null : toProduceRecord(plugins, t, intern)
      }
      let p: ProduceRecord | null | typeof SKIP
      try {
        p = convert()
      } catch (err) {
        p = await replayErrors.handle(err, convert, 'VALUE_CONVERTER', undefined, new ReplayedDlqRecord(d))
      }
      if (p !== null && p !== SKIP) {
        out.push(p)
        from.push(i)
      }
    }
    await replayErrors.drain()
    this.#send({
      type: 'source.replay.done',
      req: msg.req,
      topics,
      records: packProduceRecords(out),
      from,
      failed: replayErrors.skipped,
    })
  }

  /** telemetry: last idle backlog report (epoch ms) and what it said. */
  #backlogAt = 0
  #backlogSent = ''

  /** While polls come back empty, the task's backlog at most once a second, and only when it changed. */
  #idleBacklog(task: SourceTask): void {
    const now = Date.now()
    if (now - this.#backlogAt < 1000) return
    this.#backlogAt = now
    const backlog = readBacklog(task)
    if (backlog === undefined) return
    const key = `${backlog.records}/${backlog.bytes}`
    if (key === this.#backlogSent) return
    this.#backlogSent = key
    this.#send({ type: 'source.backlog', backlog })
  }

  #readOffsets(partitions: readonly SourcePartition[]): Promise<Array<SourceOffset | null>> {
    return this.#request<Extract<ToTask, { type: 'offsets' }>>((req) => ({
      type: 'offsets.read',
      req,
      partitions,
    })).then((m) => m.offsets)
  }

  // ---- sink --------------------------------------------------------------------------------

  async #runSink(task: SinkTask): Promise<void> {
    const spec = this.#spec
    let assignment: TopicPartition[] = []
    let redeliverAfterMs = 0
    const ctx: SinkTaskContext = {
      configs: spec.taskProps,
      offset: (offsets: readonly TopicPartitionOffset[]) => this.#send({ type: 'sink.rewind', offsets }),
      timeout: (ms: number) => {
        redeliverAfterMs = ms
      },
      assignment: () => assignment,
      pause: (partitions) => this.#send({ type: 'sink.pause', partitions }),
      resume: (partitions) => this.#send({ type: 'sink.resume', partitions }),
      requestCommit: () => this.#send({ type: 'sink.request-commit' }),
      errantRecordReporter: () =>
        spec.errors.dlqTopic === '' && !spec.errors.logEnable
          ? null
          : {
              report: (record, error) =>
                this.#errors.reportErrant({
                  stage: 'TASK_PUT',
                  executingClass: spec.connectorPlugin.className,
                  error,
                  origin: {
                    topic: record.originalTopic,
                    partition: record.originalKafkaPartition,
                    offset: record.originalKafkaOffset,
                    timestamp: record.timestamp ?? -1,
                    timestampType:
                      record.timestampType === 'CREATE_TIME'
                        ? 1
                        : record.timestampType === 'LOG_APPEND_TIME'
                          ? 2
                          : 0,
                  },
                  raw: currentBatch.find(
                    (c) =>
                      c[2] === record.originalKafkaOffset &&
                      c[1] === record.originalKafkaPartition &&
                      currentTopics[c[0]] === record.originalTopic,
                  ),
                }),
            },
    }
    let currentBatch: readonly ConsumedRecord[] = []
    let currentTopics: readonly string[] = []
    task.initialize(ctx)
    this.#task = task
    await task.start(spec.taskProps)
    this.#send({ type: 'state', state: this.#paused ? 'PAUSED' : 'RUNNING' })

    const put = async (records: SinkRecord[]): Promise<void> => {
      for (;;) {
        await this.#whileNotPaused()
        if (this.#abort.signal.aborted) return
        try {
          await task.put(records, this.#abort.signal)
          return
        } catch (err) {
          if (this.#abort.signal.aborted) return
          if (!(err instanceof RetriableError || (ConnectError.is(err) && err.retriable)))
            throw wrap(err, 'put')
          // Kafka Connect redelivers the same batch after context.timeout(ms).
          await delay(redeliverAfterMs, this.#abort.signal)
        }
      }
    }

    // Messages are handled strictly one after another: put, preCommit and rebalance callbacks of
    // a sink task must never overlap. The queue is bounded by the main thread's credit count.
    const inbox = new Subject<ToTask>()
    await new Promise<void>((resolve, reject) => {
      inbox
        .pipe(
          concatMap((msg) =>
            defer(async () => {
              switch (msg.type) {
                case 'records': {
                  const start = nowMs() // telemetry
                  const records: SinkRecord[] = []
                  const plugins = this.#plugins
                  const topics = msg.topics
                  // Unpacked here, on the task thread: the main thread never touches a record.
                  const consumed = unpackConsumed(msg.records)
                  for (const c of consumed) {
                    const convert = () => applyChain(plugins.chain, toSinkRecord(plugins, topics, c))
                    // The success path is the bare call; the error handler is entered only on a throw.
                    let r: SinkRecord | null | typeof SKIP
                    try {
                      r = convert()
                    } catch (err) {
                      r = await this.#errors.handle(err, convert, 'VALUE_CONVERTER', originOf(topics, c), c)
                    }
                    if (r !== SKIP && r !== null) records.push(r)
                  }
                  // telemetry: conversion and transforms run per record in one error-handled call, so
                  // their time is one figure, reported as the convert stage (transform as zero).
                  const convertEnd = nowMs()
                  currentBatch = consumed
                  currentTopics = topics
                  if (records.length > 0) await put(records)
                  // A batch is finished only once its errant records are in the DLQ.
                  await this.#errors.drain()
                  const stats: SinkBatchStats = {
                    read: consumed.length,
                    sent: records.length,
                    start,
                    convertEnd,
                    transformEnd: convertEnd,
                    putEnd: nowMs(),
                    errors: this.#errors.counts.take(), // telemetry: task-error-metrics of this batch
                  }
                  if (!this.#abort.signal.aborted)
                    this.#send({ type: 'records.done', batch: msg.batch, stats })
                  return
                }
                case 'replay': {
                  // Replayed DLQ records: whatever fails again is reported (back to the DLQ), never fatal.
                  const replayErrors = this.#errorHandler({
                    ...spec.errors,
                    tolerance: 'all',
                    retryTimeoutMs: 0,
                  })
                  const records: SinkRecord[] = []
                  const plugins = this.#plugins
                  for (const c of msg.records) {
                    const convert = () => applyChain(plugins.chain, toSinkRecord(plugins, msg.topics, c))
                    let r: SinkRecord | null | typeof SKIP
                    try {
                      r = convert()
                    } catch (err) {
                      r = await replayErrors.handle(
                        err,
                        convert,
                        'VALUE_CONVERTER',
                        originOf(msg.topics, c),
                        c,
                      )
                    }
                    if (r !== null && r !== SKIP) records.push(r)
                  }
                  currentBatch = msg.records
                  currentTopics = msg.topics
                  if (records.length > 0) await put(records)
                  await replayErrors.drain()
                  this.#send({
                    type: 'replay.done',
                    req: msg.req,
                    put: records.length,
                    failed: replayErrors.skipped,
                  })
                  return
                }
                case 'precommit': {
                  let offsets: readonly TopicPartitionOffset[]
                  try {
                    offsets = await task.preCommit(msg.offsets)
                  } catch (err) {
                    throw wrap(err, 'flush')
                  }
                  this.#send({ type: 'precommit.done', req: msg.req, offsets })
                  return
                }
                case 'partitions.assigned':
                  assignment = [...assignment, ...msg.partitions]
                  await task.open(msg.partitions)
                  this.#send({ type: 'partitions.done', req: msg.req })
                  return
                case 'partitions.revoked': {
                  const gone = new Set(msg.partitions.map((p) => `${p.topic}\u0000${p.partition}`))
                  assignment = assignment.filter((p) => !gone.has(`${p.topic}\u0000${p.partition}`))
                  await task.close(msg.partitions)
                  this.#send({ type: 'partitions.done', req: msg.req })
                  return
                }
                default:
                  return
              }
            }),
          ),
          takeUntil(this.#stopped),
        )
        .subscribe({ error: reject, complete: resolve })
      // Only now: a Subject drops what it is given before it has a subscriber.
      this.#setOnData((msg) => inbox.next(msg))
    })
  }

  // ---- error reporting ---------------------------------------------------------------------

  /** The KIP-298 operator of this task with `errors` settings, reporting to the log and the DLQ. */
  #errorHandler(errors: ErrorHandlingSpec): ErrorHandler {
    const spec = this.#spec
    const h: ErrorHandler = new ErrorHandler(errors, {
      taskId: `${spec.connector}-${spec.task}`,
      now: Date.now,
      sleep: delay,
      signal: this.#abort.signal,
      report: (r) => this.#report(r, h.counts),
      classOf: (stage, err) => this.#executingClass(stage, err),
    })
    return h
  }

  #log = new Logger(LOGGERS.logReporter)

  /** Log (errors.log.enable) and DLQ (errors.deadletterqueue.topic.name) for one tolerated failure. */
  async #report(r: ErrantReport, counts: ErrorCounts): Promise<void> {
    const spec = this.#spec
    if (spec.errors.logEnable) {
      const log = this.#log.forTask(spec.connector, spec.task)
      log.error(`${this.#errors.logLine(r)}\n${javaStackTrace(r.error).trimEnd()}`)
      counts.logged++ // telemetry
    }
    if (spec.errors.dlqTopic === '') return
    const raw = r.raw
    const original = spec.kind === 'sink' && Array.isArray(raw) ? (raw as ConsumedRecord) : null
    const source =
      raw instanceof ReplayedDlqRecord
        ? raw.errant()
        : spec.kind === 'source' && raw !== undefined
          ? this.#sourceErrant(raw as SourceRecord)
          : undefined
    const record: ErrantRecord = {
      stage: r.stage,
      executingClass: r.executingClass,
      exceptionClass: javaExceptionClass(r.error),
      exceptionMessage: r.error.message,
      stacktrace: javaStackTrace(r.error),
      original,
      originalTopic: r.origin?.topic ?? source?.topic ?? null,
      ...(source !== undefined && { source }),
    }
    const req = this.#nextReq++
    counts.dlqRequests++ // telemetry
    const reply = await new Promise<Extract<ToTask, { type: 'errant.done' }>>((resolve) => {
      this.#errantReplies.set(req, resolve)
      this.#send({ type: 'errant', req, record })
    })
    if (reply.error !== undefined) counts.dlqFailures++ // telemetry
    if (reply.error !== undefined) throw decodeError(reply.error)
  }

  /**
   * The source-side DLQ record (a Sluice extension): the record as polled, serialized with the task's
   * converters where they succeed, else as text (a string or bytes as they are, anything else as JSON),
   * with its source partition and offset as JSON.
   */
  #sourceErrant(r: SourceRecord): NonNullable<ErrantRecord['source']> {
    const p = this.#plugins
    const bytes = (convert: () => Uint8Array | null, v: unknown): Uint8Array | null => {
      try {
        return convert()
      } catch {
        if (v === null || v === undefined) return null
        if (v instanceof Uint8Array) return v
        try {
          return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8')
        } catch {
          return Buffer.from(String(v), 'utf8')
        }
      }
    }
    return {
      topic: r.topic,
      key: bytes(() => p.key.fromConnectData(r.topic, r.headers, r.keySchema, r.key), r.key),
      value: bytes(() => p.value.fromConnectData(r.topic, r.headers, r.valueSchema, r.value), r.value),
      partition: JSON.stringify(r.sourcePartition),
      offset: JSON.stringify(r.sourceOffset),
    }
  }

  #executingClass(stage: KafkaStage, err: Error): string {
    const spec = this.#spec
    switch (stage) {
      case 'KEY_CONVERTER':
        return spec.keyConverter.className
      case 'VALUE_CONVERTER':
        return spec.valueConverter.className
      case 'HEADER_CONVERTER':
        return spec.headerConverter.className
      case 'TRANSFORMATION':
        return (err as { executingClass?: string }).executingClass ?? spec.connectorPlugin.className
      default:
        return spec.connectorPlugin.className
    }
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  #task: SourceTask | SinkTask | undefined

  async #stop(): Promise<void> {
    if (this.#finished) return
    this.#abort.abort(new ConnectError('XC_ABORTED', 'task is stopping'))
    this.#stopped.next()
    this.#stopped.complete()
    try {
      await this.#task?.stop()
    } catch (err) {
      this.#finish({ type: 'failed', error: encodeError(wrap(err, 'task.stop')) })
      return
    }
    this.#finish({ type: 'stopped' })
  }

  #fail(err: unknown, stage: 'task.start' | 'produce' | 'commit' | 'poll' | 'put'): void {
    if (this.#finished) return
    const error = wrap(err, stage)
    this.#abort.abort(error)
    this.#stopped.next()
    this.#stopped.complete()
    Promise.resolve()
      .then(() => this.#task?.stop())
      .catch(() => undefined)
      .finally(() => this.#finish({ type: 'failed', error: encodeError(error) }))
  }

  #finish(last: FromTask): void {
    if (this.#finished) return
    this.#finished = true
    if (this.#plugins !== undefined) closeTaskPlugins(this.#plugins)
    // telemetry: what the error handler counted since the last batch (e.g. the error that failed it).
    const errors = this.#errors?.counts.take()
    this.#send(
      errors !== undefined && (last.type === 'failed' || last.type === 'stopped')
        ? { ...last, errors }
        : last,
    )
    this.#port.close()
    this.#done()
  }
}

/** A source DLQ record that failed its replay: it goes back to the DLQ with its bytes as they were. */
class ReplayedDlqRecord {
  constructor(readonly record: SourceReplayRecord) {}
  errant(): NonNullable<ErrantRecord['source']> {
    const d = this.record
    return { topic: d.topic, key: d.key, value: d.value, partition: d.partition, offset: d.offset }
  }
}

/** The executing class Kafka names for a failed producer send of a source task. */
const WORKER_SOURCE_TASK = 'org.apache.kafka.connect.runtime.WorkerSourceTask'

/** Where a consumed record came from, for the error log and DLQ headers. */
function originOf(topics: readonly string[], c: ConsumedRecord): ErrantOrigin {
  return { topic: topics[c[0]]!, partition: c[1], offset: c[2], timestamp: c[3], timestampType: c[4] }
}

function wrap(
  err: unknown,
  stage: 'task.start' | 'task.stop' | 'produce' | 'commit' | 'poll' | 'put' | 'flush',
): ConnectError {
  if (ConnectError.is(err)) return err
  const e = err instanceof Error ? err : new Error(String(err))
  return new ConnectError('XC_TASK_CRASHED', `${stage} failed: ${e.message}`, { stage, cause: e })
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) {
      setImmediate(resolve)
      return
    }
    const t = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t)
        resolve()
      },
      { once: true },
    )
  })
}

/** A batch's topic names, each once, and the index of each (packed records name topics by index). */
function topicTable(): { topics: string[]; intern: (topic: string) => number } {
  const topics: string[] = []
  const index = new Map<string, number>()
  return {
    topics,
    intern: (t) => {
      let i = index.get(t)
      if (i === undefined) {
        i = topics.length
        topics.push(t)
        index.set(t, i)
      }
      return i
    },
  }
}
