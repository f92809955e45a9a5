import type { ConnectorProps } from '@sluice/api'
import { schemaEquals, schemaToString } from '@sluice/api'
import { canonical } from './canonical.js'
import type { ConverterSet } from './converters.js'
import type { ConformanceEnvironment, SuiteWorker } from './environment.js'
import { TopicReader } from './kafka-io.js'
import { OFFSET_HEADER, OFFSET_HEADER_CLASS, offsetHeaderValue } from './offset-header-plugin.js'
import type { SourceFixture, SourceFixtureContext } from './spec.js'
import { waitFor } from './wait.js'

/** Alias of the offset-header transform in the connector config. */
const TRANSFORM_ALIAS = 'sluiceTestkitOffsets'

/** A record of the topic, decoded and matched to the record it must be. */
export interface ObservedSourceRecord {
  readonly partition: number
  readonly offset: number
  /** The sequence number it matches, or -1. */
  readonly seq: number
  /** Its source partition and offset (from the offset-header transform), if the task gave them. */
  readonly sourcePosition: string | undefined
}

/** Committed source offsets as the worker reports them (`GET /connectors/{c}/offsets`). */
export type CommittedSourceOffsets = ReadonlyArray<{ readonly partition: unknown; readonly offset: unknown }>

/** What a restart snapshot says about the records in the topic. */
export interface CommitCoverage {
  /** Sequence numbers whose offsets were committed (a restart must not deliver them again). */
  readonly committed: ReadonlySet<number>
  /** Distinct records in the topic at the snapshot. */
  readonly delivered: number
  /** Problems: a committed offset that matches no record in the topic (committed before it was acked?). */
  readonly problems: readonly string[]
}

/**
 * One source test's world: the fixture (external system), the connector config, and a reader of the topic
 * that decodes each record with the task's converters and matches it to its sequence number.
 */
export class SourceCase {
  readonly env: ConformanceEnvironment
  readonly ctx: SourceFixtureContext & { name: string }
  readonly fixture: SourceFixture
  readonly props: ConnectorProps
  /** The topic the connector writes to (the fixture's, or the context's). */
  readonly topic: string
  readonly partitions: number
  readonly #reader: TopicReader
  readonly #converters: ConverterSet
  readonly #bySignature = new Map<string, number>()
  readonly observed: ObservedSourceRecord[] = []
  /** Content problems (schema or partition mismatch, undecodable record), reported by {@link assertContent}. */
  readonly contentProblems: string[] = []
  /** Records appended to the external system so far (sequence numbers 0 … appended - 1). */
  appended = 0

  private constructor(
    env: ConformanceEnvironment,
    ctx: SourceFixtureContext & { name: string },
    fixture: SourceFixture,
    reader: TopicReader,
    converters: ConverterSet,
    partitions: number,
  ) {
    this.env = env
    this.ctx = ctx
    this.fixture = fixture
    this.topic = fixture.topic ?? ctx.topic
    this.#reader = reader
    this.#converters = converters
    this.partitions = partitions
    const transforms = (fixture.config.transforms ?? '').trim()
    this.props = env.connectorProps(ctx.name, {
      ...fixture.config,
      // Last in the chain, so the header describes the record as it is produced; offsets are the task's.
      transforms: transforms === '' ? TRANSFORM_ALIAS : `${transforms},${TRANSFORM_ALIAS}`,
      [`transforms.${TRANSFORM_ALIAS}.type`]: OFFSET_HEADER_CLASS,
    })
  }

  static async create(
    env: ConformanceEnvironment,
    label: string,
    createFixture: (ctx: SourceFixtureContext) => SourceFixture | Promise<SourceFixture>,
  ): Promise<SourceCase> {
    const partitions = env.spec.topicPartitions ?? 1
    const { ctx, fixture } = await env.newFixture(label, partitions, createFixture)
    const topic = fixture.topic ?? ctx.topic
    if (topic !== ctx.topic) await env.createTopic(topic, partitions)
    const reader = await TopicReader.open(env.bootstrapServers, topic, partitions)
    env.onClose(() => reader.close())
    const converters = await env.converters(ctx.name, fixture.config)
    return new SourceCase(env, ctx, fixture, reader, converters, partitions)
  }

  get name(): string {
    return this.ctx.name
  }

  /** Appends the next `count` records to the external system. */
  async append(count: number): Promise<void> {
    const from = this.appended
    for (let seq = from; seq < from + count; seq++) {
      const e = this.fixture.expected(seq)
      const signature = this.#signature(e.key, e.value)
      const other = this.#bySignature.get(signature)
      if (other !== undefined) {
        throw new Error(
          `spec error: expected(${seq}) equals expected(${other}); every record must be distinct`,
        )
      }
      this.#bySignature.set(signature, seq)
    }
    // Counted before appending: a record may be delivered before `append` returns.
    this.appended += count
    await this.fixture.append(from, count)
  }

  #signature(key: unknown, value: unknown): string {
    return `${canonical(key)}\u0000${canonical(value)}`
  }

  /** Reads what the topic has now (one poll). */
  async poll(): Promise<void> {
    const before = this.#reader.records.length
    await this.#reader.poll()
    const records = this.#reader.records
    for (let i = before; i < records.length; i++) {
      const r = records[i]!
      let seq = -1
      let sourcePosition: string | undefined
      try {
        const key = this.#converters.key.toConnectData(this.topic, undefined, r.key)
        const value = this.#converters.value.toConnectData(this.topic, undefined, r.value)
        const comparable = this.fixture.normalize?.({ key: key.value, value: value.value }) ?? {
          key: key.value,
          value: value.value,
        }
        seq = this.#bySignature.get(this.#signature(comparable.key, comparable.value)) ?? -1
        if (seq < 0) {
          this.contentProblems.push(
            `record at partition ${r.partition} offset ${r.offset} matches no expected record: key ${canonical(comparable.key)}, value ${canonical(comparable.value)}`,
          )
        } else {
          const e = this.fixture.expected(seq)
          if (e.keySchema !== undefined && !schemaEquals(e.keySchema, key.schema))
            this.contentProblems.push(
              `#${seq}: key schema ${describe(key.schema)}, expected ${describe(e.keySchema)}`,
            )
          if (e.valueSchema !== undefined && !schemaEquals(e.valueSchema, value.schema))
            this.contentProblems.push(
              `#${seq}: value schema ${describe(value.schema)}, expected ${describe(e.valueSchema)}`,
            )
          if (e.partition !== undefined && e.partition !== r.partition)
            this.contentProblems.push(`#${seq} is in partition ${r.partition}, expected ${e.partition}`)
        }
      } catch (err) {
        this.contentProblems.push(
          `record at partition ${r.partition} offset ${r.offset} cannot be decoded: ${(err as Error).message}`,
        )
      }
      for (const [k, v] of r.headers) if (k === OFFSET_HEADER) sourcePosition = headerString(v)
      this.observed.push({ partition: r.partition, offset: r.offset, seq, sourcePosition })
    }
  }

  /** Distinct expected records seen so far. */
  distinctDelivered(): number {
    return new Set(this.observed.filter((o) => o.seq >= 0).map((o) => o.seq)).size
  }

  /** Waits until every appended record is in the topic at least once. */
  async waitDelivered(what = `all ${this.appended} records in ${this.topic}`): Promise<void> {
    await waitFor(
      async () => {
        await this.poll()
        return this.distinctDelivered() >= this.appended
      },
      what,
      this.env.timeoutMs,
      () =>
        `${this.distinctDelivered()} of ${this.appended} delivered; ${this.contentProblems.slice(0, 3).join('; ')}`,
    )
  }

  /** Reads until the reader is at the topic's end offsets (everything the broker has now). */
  async catchUp(): Promise<void> {
    const ends = await this.env.admin!.endOffsets(this.topic)
    await waitFor(
      async () => {
        await this.poll()
        return [...ends].every(
          ([p, end]) => end === 0 || this.observed.some((o) => o.partition === p && o.offset >= end - 1),
        )
      },
      `reading ${this.topic} up to its end offsets`,
      this.env.timeoutMs,
    )
  }

  /** Records per partition (`topic-p`), in partition order, as sequence numbers (for `checkDelivery`). */
  byPartition(): Map<string, number[]> {
    const out = new Map<string, number[]>()
    for (let p = 0; p < this.partitions; p++) out.set(`${this.topic}-${p}`, [])
    for (const o of this.observed) out.get(`${this.topic}-${o.partition}`)?.push(o.seq)
    return out
  }

  /**
   * Which records the committed offsets cover. A committed offset names one record (the header of the
   * record it came from); every record of the same source partition up to it in its Kafka partition is
   * committed. Assumes, as FileStreamSource and per-table CDC topics do, that one source partition's records
   * go to one Kafka partition in source order.
   */
  coverage(committed: CommittedSourceOffsets): CommitCoverage {
    const problems: string[] = []
    const firstIndex = new Map<number, number>()
    const perPartition = new Map<number, ObservedSourceRecord[]>()
    for (const o of this.observed) {
      if (o.seq < 0 || firstIndex.has(o.seq)) continue
      const list = perPartition.get(o.partition) ?? []
      firstIndex.set(o.seq, list.length)
      list.push(o)
      perPartition.set(o.partition, list)
    }
    const covered = new Set<number>()
    for (const c of committed) {
      if (c.offset === null || c.offset === undefined) continue
      const header = offsetHeaderValue(c.partition, c.offset)
      const sourcePartition = header.slice(0, header.indexOf(' @ '))
      let found = false
      for (const list of perPartition.values()) {
        const at = list.findIndex((o) => o.sourcePosition === header)
        if (at < 0) continue
        found = true
        for (let i = 0; i <= at; i++) {
          const o = list[i]!
          if (o.sourcePosition?.startsWith(`${sourcePartition} @ `)) covered.add(o.seq)
        }
      }
      if (!found) problems.push(`committed offset ${header} belongs to no record in ${this.topic}`)
    }
    return { committed: covered, delivered: firstIndex.size, problems }
  }

  /** Committed offsets of the connector on a running (or stopped-tasks) worker. */
  async committedOffsets(w: SuiteWorker): Promise<CommittedSourceOffsets> {
    return (await w.worker.connectorOffsets(this.name, this.props)) as CommittedSourceOffsets
  }
}

function describe(schema: Parameters<typeof schemaToString>[0] | null): string {
  return schema === null ? 'null (schemaless)' : schemaToString(schema)
}

/** A header written by SimpleHeaderConverter is the raw string; a JSON header converter quotes it. */
function headerString(v: Buffer): string {
  const s = v.toString('utf8')
  if (s.startsWith('"')) {
    try {
      return JSON.parse(s) as string
    } catch {
      return s
    }
  }
  return s
}
