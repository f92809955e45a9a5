import type { ConnectorProps } from '@sluice/api'
import { canonical } from './canonical.js'
import type { ConverterSet } from './converters.js'
import type { ConformanceEnvironment, SuiteWorker } from './environment.js'
import { InputProducer, type OutgoingRecord, type Placement } from './kafka-io.js'
import type { SinkFixture, SinkFixtureContext } from './spec.js'
import { waitFor } from './wait.js'

/** Committed offsets of the sink's group per partition (next offset to read). */
export type GroupOffsets = ReadonlyMap<number, number>

/** What a snapshot of the sink's output and committed offsets says. */
export interface SinkCoverage {
  /** Sequence numbers below the committed offsets (must never be written again). */
  readonly committed: ReadonlySet<number>
  /** Distinct records written at the snapshot. */
  readonly written: number
  /** Records written at the snapshot whose offsets were not committed: the most a restart may repeat. */
  readonly uncommittedWritten: number
}

/**
 * One sink test's world: the fixture (external system), the connector config, a producer of the input
 * records (converted with the task's converters) and the mapping from what the sink wrote back to
 * sequence numbers.
 */
export class SinkCase {
  readonly env: ConformanceEnvironment
  readonly ctx: SinkFixtureContext & { name: string }
  readonly fixture: SinkFixture
  readonly props: ConnectorProps
  readonly partitions: number
  readonly #producer: InputProducer
  readonly #converters: ConverterSet
  readonly #bySignature = new Map<string, number>()
  /** Where each produced record landed. */
  readonly placement = new Map<number, Placement>()
  /** Records produced so far (sequence numbers 0 … produced - 1). */
  produced = 0
  /** The sink's output at the last {@link read}, as sequence numbers (-1: matches no record). */
  output: number[] = []

  private constructor(
    env: ConformanceEnvironment,
    ctx: SinkFixtureContext & { name: string },
    fixture: SinkFixture,
    producer: InputProducer,
    converters: ConverterSet,
    partitions: number,
  ) {
    this.env = env
    this.ctx = ctx
    this.fixture = fixture
    this.#producer = producer
    this.#converters = converters
    this.partitions = partitions
    this.props = env.connectorProps(ctx.name, fixture.config)
  }

  static async create(
    env: ConformanceEnvironment,
    label: string,
    createFixture: (ctx: SinkFixtureContext) => SinkFixture | Promise<SinkFixture>,
  ): Promise<SinkCase> {
    const partitions = env.spec.topicPartitions ?? 2
    const { ctx, fixture } = await env.newFixture(label, partitions, createFixture)
    const producer = await InputProducer.open(env.bootstrapServers)
    env.onClose(() => producer.close())
    const converters = await env.converters(ctx.name, fixture.config)
    return new SinkCase(env, ctx, fixture, producer, converters, partitions)
  }

  get name(): string {
    return this.ctx.name
  }

  /** Produces the next `count` records (record `seq` to partition `seq % partitions`), acknowledged. */
  async produce(count: number): Promise<void> {
    const from = this.produced
    const out: OutgoingRecord[] = []
    const topic = this.ctx.topic
    for (let seq = from; seq < from + count; seq++) {
      const signature = canonical(this.fixture.expected(seq))
      const other = this.#bySignature.get(signature)
      if (other !== undefined)
        throw new Error(
          `spec error: expected(${seq}) equals expected(${other}); every record must be distinct`,
        )
      this.#bySignature.set(signature, seq)
      const r = this.fixture.record(seq)
      const headers: Array<Record<string, Buffer>> = []
      for (const h of r.headers ?? []) {
        const bytes = this.#converters.header.fromConnectHeader(topic, h.key, h.schema, h.value)
        headers.push({ [h.key]: bytes === null ? Buffer.alloc(0) : Buffer.from(bytes) })
      }
      out.push({
        seq,
        topic,
        partition: seq % this.partitions,
        key: this.#converters.key.fromConnectData(topic, r.headers, r.keySchema ?? null, r.key ?? null),
        value: this.#converters.value.fromConnectData(topic, r.headers, r.valueSchema ?? null, r.value),
        headers,
      })
    }
    const placed = await this.#producer.send(out)
    for (const [seq, p] of placed) this.placement.set(seq, p)
    this.produced += count
  }

  /** Reads the sink's output and maps it to sequence numbers. */
  async read(): Promise<number[]> {
    const items = await this.fixture.read()
    this.output = items.map((item) => this.#bySignature.get(canonical(item)) ?? -1)
    return this.output
  }

  /** Distinct expected records written so far (at the last {@link read}). */
  distinctWritten(): number {
    return new Set(this.output.filter((s) => s >= 0)).size
  }

  /** Waits until every produced record was written at least once (`w`: the worker, for diagnostics). */
  async waitWritten(w?: SuiteWorker): Promise<void> {
    await waitFor(
      async () => {
        await this.read()
        return this.distinctWritten() >= this.produced
      },
      `all ${this.produced} records written by ${this.name}`,
      this.env.timeoutMs,
      async () => {
        const parts = [
          `${this.distinctWritten()} of ${this.produced} written`,
          `${this.output.filter((s) => s < 0).length} unexpected item(s)`,
          `committed ${JSON.stringify([...(await this.groupOffsets())])}`,
          `end offsets ${JSON.stringify([...(await this.endOffsets())])}`,
        ]
        if (w !== undefined) {
          parts.push(w.status.describe(this.name))
          const task = w.worker.task({ connector: this.name, task: 0 })
          if (task !== undefined) parts.push(`task 0 consumed ${task.recordsIn} records`)
        }
        return parts.join('; ')
      },
    )
  }

  /** The output per input partition (`topic-p`), in the order written; unknown items under `unexpected`. */
  byPartition(): Map<string, number[]> {
    const out = new Map<string, number[]>()
    for (let p = 0; p < this.partitions; p++) out.set(`${this.ctx.topic}-${p}`, [])
    for (const seq of this.output) {
      const p = this.placement.get(seq)?.partition
      const key = p === undefined ? 'unexpected output' : `${this.ctx.topic}-${p}`
      const list = out.get(key) ?? []
      list.push(seq)
      out.set(key, list)
    }
    return out
  }

  /** Committed offsets of the sink's group `connect-<name>` for this topic. */
  async groupOffsets(): Promise<Map<number, number>> {
    const rows = await this.env.admin!.groupOffsets(`connect-${this.name}`)
    return new Map(rows.filter((r) => r.topic === this.ctx.topic).map((r) => [r.partition, r.offset]))
  }

  /** End offsets of the topic (what was produced). */
  async endOffsets(): Promise<Map<number, number>> {
    return this.env.admin!.endOffsets(this.ctx.topic)
  }

  /** Which written records the committed offsets cover. */
  coverage(committed: GroupOffsets): SinkCoverage {
    const covered = new Set<number>()
    const written = new Set(this.output.filter((s) => s >= 0))
    for (const [seq, p] of this.placement) if (p.offset < (committed.get(p.partition) ?? 0)) covered.add(seq)
    const uncommittedWritten = [...written].filter((s) => !covered.has(s)).length
    return { committed: covered, written: written.size, uncommittedWritten }
  }
}
