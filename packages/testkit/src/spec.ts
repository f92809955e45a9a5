import type { ConnectorProps, Headers, Schema } from '@sluice/api'

/** Where a conformance test runs; handed to every fixture factory. */
export interface ConformanceContext {
  /** Unique per test (letters, digits, dashes): use it in names of tables, buckets, files… */
  readonly id: string
  /** A fresh directory for this test; the suite removes it in `after`. */
  readonly dir: string
  /** Bootstrap servers of the broker under test. */
  readonly bootstrapServers: string
}

/**
 * A connector config that must be refused, and how (the "bad config" cases).
 *
 * - `validate`: `Connector.validate` (the connector's `ConfigDef` plus its own checks, what REST
 *   `PUT /connector-plugins/{type}/config/validate` shows) reports an error on `key`; starting the
 *   connector with it then fails the connector or its task with a trace naming `key`.
 * - `start`: validation accepts it (the problem shows only when the task touches the external system,
 *   e.g. an unwritable file); the suite checks that validation indeed passes, so the gap stays visible,
 *   and that starting fails the task with a trace matching `trace`.
 */
export interface BadConfigCase {
  /** What is wrong, in words (the test name). */
  readonly description: string
  /** Turns the fixture's valid config into the bad one. */
  readonly props: (valid: ConnectorProps, ctx: ConformanceContext) => ConnectorProps
  /** The config key the error must name. */
  readonly key: string
  /** Where the config is refused; default `validate`. */
  readonly rejectedBy?: 'validate' | 'start'
  /** The validation message must match this: it should say how to fix the value, not only that it is wrong. */
  readonly fix?: RegExp
  /** The FAILED trace must match this; default: it names `key`. */
  readonly trace?: RegExp
}

/** What every conformance spec has. */
export interface ConformanceSpecBase {
  /** Display name (e.g. `FileStreamSource`); the describe block is named after it. */
  readonly name: string
  /** `connector.class` (class name or alias) as users write it. */
  readonly connectorClass: string
  /** Bootstrap servers of a broker that answers (e.g. `ensureBroker` of the integration tests). */
  readonly bootstrapServers: () => string | Promise<string>
  /**
   * Worker properties on top of the suite's defaults: converters (default: Kafka's quickstart,
   * JsonConverter with schemas for keys and values), `plugin.path` for a connector that is not built in,
   * `producer.*`/`consumer.*` settings.
   */
  readonly workerProps?: Readonly<Record<string, string>>
  /** Configs that must be refused; at least one. */
  readonly badConfigs: readonly BadConfigCase[]
  /** Partitions of the topic each test creates (sources write to it; sinks read it). Default: source 1, sink 2. */
  readonly topicPartitions?: number
  /** Records each delivery phase moves; default 300. */
  readonly recordsPerPhase?: number
  /** How long each wait may take before the test fails (ms); default 30 000. */
  readonly timeoutMs?: number
  /**
   * How long "nothing is delivered while PAUSED" is watched (ms); default 2500. Absence can only be
   * observed over a window: make it longer than the connector's longest poll/flush wait.
   */
  readonly pausedWindowMs?: number
}

/** A record as it should be found in Kafka, decoded with the worker's converters. */
export interface ExpectedSourceRecord {
  readonly key: unknown
  readonly value: unknown
  /** When given, the decoded key schema must equal it (structurally). */
  readonly keySchema?: Schema | null
  /** When given, the decoded value schema must equal it (structurally). */
  readonly valueSchema?: Schema | null
  /** When given, the Kafka partition the record must be in. */
  readonly partition?: number
}

/** One test's external system for a source connector. */
export interface SourceFixture {
  /**
   * A valid connector config (without `name`/`connector.class`) reading this fixture's external data into
   * `topic`. The suite adds a transform that copies source offsets into a header (see README).
   */
  readonly config: ConnectorProps
  /** Makes records `from` … `from + count - 1` appear in the external system, in that order. */
  append(from: number, count: number): void | Promise<void>
  /**
   * Record `seq` as it must arrive in Kafka. Every record must differ from every other (key or value),
   * so a record in the topic identifies its sequence number.
   */
  expected(seq: number): ExpectedSourceRecord
  /**
   * The topic the connector writes to when it cannot be told `ctx.topic` (e.g. a CDC source's
   * `<topic.prefix>.<db>.<table>`). The suite creates it (with `topicPartitions`) and deletes it after.
   */
  readonly topic?: string
  /**
   * Maps a record decoded from Kafka to what {@link expected} describes, for fields that cannot be
   * predicted (a CDC envelope's `ts_ms` or `source` block): return the parts to compare.
   */
  normalize?(record: { readonly key: unknown; readonly value: unknown }): { key: unknown; value: unknown }
  /** Releases the external resources (called in `after`, also when the test failed). */
  cleanup?(): void | Promise<void>
}

/** Context of a source fixture: the topic the connector must write to. */
export interface SourceFixtureContext extends ConformanceContext {
  readonly topic: string
}

/** How a source connector adopts the suite. */
export interface SourceConformanceSpec extends ConformanceSpecBase {
  /** Creates the external system of one test (a file, a database with a table…). */
  readonly fixture: (ctx: SourceFixtureContext) => SourceFixture | Promise<SourceFixture>
}

/** A record the suite converts with the worker's converters and produces to the sink's topic. */
export interface SinkInputRecord {
  readonly key?: unknown
  readonly keySchema?: Schema | null
  readonly value: unknown
  readonly valueSchema?: Schema | null
  readonly headers?: Headers
}

/** One test's external system for a sink connector. */
export interface SinkFixture {
  /** A valid connector config (without `name`/`connector.class`) reading `topic` into this fixture's system. */
  readonly config: ConnectorProps
  /** Record `seq` to produce (the suite spreads records over the topic's partitions: `seq % partitions`). */
  record(seq: number): SinkInputRecord
  /**
   * What the sink must have written for record `seq`, in the form {@link read} returns; every record's
   * must differ from every other's.
   */
  expected(seq: number): unknown
  /**
   * Everything the sink has written so far, in the order it was written (order matters per partition;
   * items of different partitions may interleave). Called repeatedly while waiting.
   */
  read(): readonly unknown[] | Promise<readonly unknown[]>
  /** Releases the external resources (called in `after`, also when the test failed). */
  cleanup?(): void | Promise<void>
}

/** Context of a sink fixture: the topic the connector must read. */
export interface SinkFixtureContext extends ConformanceContext {
  readonly topic: string
}

/** How a sink connector adopts the suite. */
export interface SinkConformanceSpec extends ConformanceSpecBase {
  /** Creates the external system of one test (a file, a bucket prefix…). */
  readonly fixture: (ctx: SinkFixtureContext) => SinkFixture | Promise<SinkFixture>
  /**
   * Whether the task's `preCommit` approves everything `put` once `flush`ed (the default
   * `SinkTask.preCommit`). Then a graceful stop commits every record written, and the resume tests expect
   * exactly once. A sink that buffers (e.g. writes a file per N records) sets this to false: it is then
   * held to at-least-once, with records above the committed offsets allowed to repeat. Default true.
   */
  readonly commitsAllOnStop?: boolean
}
