/**
 * Every knob that decides whether a comparison is fair lives here, so README.md can point at one file.
 */

/** Value size of the connector scenarios (source, sink, datagen, latency), in bytes. */
export const RECORD_SIZE = 100

/**
 * Worker properties both runtimes get. Producer and consumer keys are set explicitly to Kafka 4.1's
 * Java client defaults, so librdkafka's larger defaults (1 MB batches, no poll-size cap) cannot make
 * Sluice look faster for a reason that is a setting, not the runtime.
 */
export const COMMON_WORKER_PROPS: Readonly<Record<string, string>> = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  // Kafka's quickstart connect-standalone.properties value.
  'offset.flush.interval.ms': '10000',
  'producer.linger.ms': '5',
  'producer.batch.size': '16384',
  'producer.compression.type': 'none',
  'consumer.max.poll.records': '500',
}

/**
 * Producer settings of the raw-limit runs: the same acks (Kafka Connect forces acks=all on source
 * producers) and batching as the connector workers, so "Sluice/raw" isolates the runtime's overhead.
 */
export const RAW_PRODUCER_PROPS: Readonly<Record<string, string>> = {
  acks: 'all',
  'linger.ms': '5',
  'batch.size': '16384',
  'compression.type': 'none',
}

/** Kafka's FileStreamSource `batch.size` default, set explicitly on both sides. */
export const FILE_SOURCE_BATCH_SIZE = '2000'

/** Heap of the Java Connect worker: what bin/connect-standalone.sh sets (KAFKA_HEAP_OPTS). */
export const CONNECT_HEAP = ['-Xms256M', '-Xmx2G'] as const

/** Heap of the perf tools: what bin/kafka-producer-perf-test.sh and kafka-consumer-perf-test.sh set. */
export const PERF_TOOL_HEAP = ['-Xmx512M'] as const

/** How much work one run does, and how often it is repeated. */
export interface Sizes {
  /** Records of one raw producer/consumer run with 100-byte values. */
  readonly raw100: number
  /** Records of one raw producer/consumer run with 1 KiB values. */
  readonly raw1k: number
  /** Lines of the FileStreamSource input file. */
  readonly source: number
  /** Records pre-filled into the topic the sinks drain. */
  readonly sink: number
  /** Records of one datagen run. */
  readonly datagen: number
  /** Latency: seconds at the fixed rate that are discarded before measuring. */
  readonly latencyWarmupS: number
  /** Latency: seconds measured. */
  readonly latencyMeasureS: number
  /** Latency rate when no throughput was measured in this run (records/s). */
  readonly latencyFallbackRate: number
  /** Measured repetitions per scenario and side. */
  readonly reps: number
  /** Discarded warm-up runs per scenario and side before the measured ones. */
  readonly warmups: number
  /** A run that takes longer is stopped and reported as incomplete. */
  readonly runTimeoutMs: number
}

/** The full run: sized for ≤ 15 minutes on 2 cores (README.md lists the measured duration). */
export const FULL: Sizes = {
  raw100: 2_000_000,
  raw1k: 500_000,
  // Two million 100-byte records keep the fastest side's window at several seconds, so the 50 ms
  // completion polling is below 2 % of it.
  source: 2_000_000,
  sink: 2_000_000,
  datagen: 2_000_000,
  latencyWarmupS: 3,
  latencyMeasureS: 10,
  latencyFallbackRate: 10_000,
  reps: 3,
  warmups: 1,
  runTimeoutMs: 90_000,
}

/** `--quick`: tiny N, one run each, no warm-up — proves the harness works, measures nothing. */
export const QUICK: Sizes = {
  raw100: 20_000,
  raw1k: 5_000,
  source: 20_000,
  sink: 20_000,
  datagen: 20_000,
  latencyWarmupS: 1,
  latencyMeasureS: 2,
  latencyFallbackRate: 2_000,
  reps: 1,
  warmups: 0,
  runTimeoutMs: 30_000,
}
