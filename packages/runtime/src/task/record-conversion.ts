import type {
  Converter,
  HeaderConverter,
  Predicate,
  SchemaAndValue,
  SinkRecord,
  SourcePartition,
  SourceRecord,
  TimestampType,
  Transformation,
} from '@sluice/api'
import { ConnectError, Headers } from '@sluice/api'
import { createPlugin } from '../plugins/loader.js'
import type { ConsumedRecord, PluginRef, ProduceRecord, TaskSpec } from '../wire/messages.js'

/** One link of the SMT chain with its optional predicate. */
export interface ChainLink {
  readonly alias: string
  /** Class of the transform (the executing class an error is reported with). */
  readonly className: string
  readonly predicateClassName: string | undefined
  readonly transform: Transformation
  readonly predicate: Predicate | undefined
  readonly negate: boolean
}

/** The converters and transform chain of a task, instantiated on the task's thread. */
export interface TaskPlugins {
  readonly key: Converter
  readonly value: Converter
  readonly header: HeaderConverter
  readonly chain: readonly ChainLink[]
}

async function converter(ref: PluginRef, isKey: boolean): Promise<Converter> {
  const c = (await createPlugin(ref.modulePath, ref.className, 'converter')) as Converter
  c.configure(ref.configs, isKey)
  return c
}

export async function loadTaskPlugins(spec: TaskSpec): Promise<TaskPlugins> {
  const header = (await createPlugin(
    spec.headerConverter.modulePath,
    spec.headerConverter.className,
  )) as HeaderConverter
  header.configure(spec.headerConverter.configs)
  const chain: ChainLink[] = []
  for (const t of spec.transforms) {
    const transform = (await createPlugin(t.modulePath, t.className, 'transformation')) as Transformation
    transform.configure(t.configs)
    let predicate: Predicate | undefined
    if (t.predicate !== undefined) {
      predicate = (await createPlugin(
        t.predicate.modulePath,
        t.predicate.className,
        'predicate',
      )) as Predicate
      predicate.configure(t.predicate.configs)
    }
    chain.push({
      alias: t.alias,
      className: t.className,
      predicateClassName: t.predicate?.className,
      transform,
      predicate,
      negate: t.negate,
    })
  }
  return {
    key: await converter(spec.keyConverter, true),
    value: await converter(spec.valueConverter, false),
    header,
    chain,
  }
}

/**
 * Applies the SMT chain as Kafka's `TransformationChain` does: in `transforms=` order, each link applied
 * when it has no predicate or `negate XOR predicate.test(record)`; a null result drops the record (its
 * source offset still commits) and ends the chain. A failing predicate fails its link like the transform
 * itself would (Kafka runs both inside the same TRANSFORMATION stage).
 */
export function applyChain<R extends SourceRecord | SinkRecord>(
  chain: readonly ChainLink[],
  record: R,
): R | null {
  let current: R | null = record
  for (let i = 0; i < chain.length && current !== null; i++) {
    const link = chain[i]!
    const input: R = current
    let inPredicate = link.predicate !== undefined
    try {
      if (link.predicate !== undefined && link.predicate.test(input) === link.negate) continue
      inPredicate = false
      current = link.transform.apply(input) as R | null
    } catch (err) {
      const what = inPredicate ? `the predicate of transform "${link.alias}"` : `transform "${link.alias}"`
      const e = new ConnectError(
        'XC_TRANSFORM',
        `${what} failed on a record of topic ${input.topic}: ${(err as Error).message}`,
        {
          stage: 'transform',
          cause: err,
        },
      )
      // Kafka reports the class that was executing (the transform's or the predicate's).
      Object.defineProperty(e, 'executingClass', {
        value: inPredicate ? link.predicateClassName : link.className,
      })
      throw e
    }
  }
  return current
}

/**
 * Closes every transform and predicate of the chain (Kafka's `TransformationChain.close`, quietly: a
 * failing close must not hide how the task ended).
 */
export function closeTaskPlugins(p: TaskPlugins): void {
  for (const link of p.chain) {
    for (const c of [link.transform, link.predicate]) {
      try {
        c?.close()
      } catch (err) {
        console.error(`closing transform "${link.alias}" failed: ${(err as Error).message}`)
      }
    }
  }
}

/**
 * Converts a transformed source record into the packed tuple the Kafka I/O actor produces.
 * `topicIndex` interns topic names so each batch carries every name once.
 */
export function toProduceRecord(
  p: TaskPlugins,
  r: SourceRecord,
  topicIndex: (topic: string) => number,
): ProduceRecord {
  let headers: Array<string | Uint8Array | null> | null = null
  if (r.headers.size > 0) {
    headers = []
    for (const h of r.headers) {
      let bytes: Uint8Array | null
      try {
        bytes = p.header.fromConnectHeader(r.topic, h.key, h.schema, h.value)
      } catch (err) {
        throw stageError('convert.header', `header "${h.key}"`, r.topic, err)
      }
      headers.push(h.key, bytes)
    }
  }
  let key: Uint8Array | null
  try {
    key = p.key.fromConnectData(r.topic, r.headers, r.keySchema, r.key)
  } catch (err) {
    throw stageError('convert.key', 'key', r.topic, err)
  }
  let value: Uint8Array | null
  try {
    value = p.value.fromConnectData(r.topic, r.headers, r.valueSchema, r.value)
  } catch (err) {
    throw stageError('convert.value', 'value', r.topic, err)
  }
  return [topicIndex(r.topic), r.kafkaPartition ?? -1, key, value, r.timestamp ?? -1, headers]
}

const TIMESTAMP_TYPES: readonly TimestampType[] = ['NO_TIMESTAMP_TYPE', 'CREATE_TIME', 'LOG_APPEND_TIME']

/** Converts a consumed tuple into the SinkRecord a sink task sees. */
export function toSinkRecord(p: TaskPlugins, topics: readonly string[], c: ConsumedRecord): SinkRecord {
  const [ti, partition, offset, ts, tsType, keyBytes, valueBytes, rawHeaders] = c
  const topic = topics[ti]!
  const headers = new Headers()
  if (rawHeaders !== null) {
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const hk = rawHeaders[i] as string
      try {
        const sv = p.header.toConnectHeader(topic, hk, rawHeaders[i + 1] as Uint8Array | null)
        headers.add(hk, sv.value, sv.schema)
      } catch (err) {
        throw stageError(
          'convert.header',
          `header "${hk}" at offset ${offset} of ${topic}-${partition}`,
          topic,
          err,
        )
      }
    }
  }
  let key: SchemaAndValue
  try {
    key = p.key.toConnectData(topic, headers, keyBytes)
  } catch (err) {
    throw stageError('convert.key', `key at offset ${offset} of ${topic}-${partition}`, topic, err)
  }
  let value: SchemaAndValue
  try {
    value = p.value.toConnectData(topic, headers, valueBytes)
  } catch (err) {
    throw stageError('convert.value', `value at offset ${offset} of ${topic}-${partition}`, topic, err)
  }
  return {
    topic,
    kafkaPartition: partition,
    kafkaOffset: offset,
    keySchema: key.schema,
    key: key.value,
    valueSchema: value.schema,
    value: value.value,
    timestamp: ts < 0 ? null : ts,
    timestampType: TIMESTAMP_TYPES[tsType] ?? 'NO_TIMESTAMP_TYPE',
    headers,
    originalTopic: topic,
    originalKafkaPartition: partition,
    originalKafkaOffset: offset,
  }
}

function stageError(
  stage: 'convert.key' | 'convert.value' | 'convert.header',
  what: string,
  topic: string,
  err: unknown,
): ConnectError {
  if (ConnectError.is(err) && err.stage === stage) return err
  return new ConnectError(
    'XC_CONVERTER',
    `failed to convert ${what} for topic ${topic}: ${(err as Error).message}`,
    {
      stage,
      cause: err,
    },
  )
}

/**
 * The offsets-map key of a source partition (its JSON), computed when the partition changes rather than
 * for every record: connectors hand out the same partition object (or an equal flat one) record after
 * record, and `JSON.stringify` per record was the largest item on a source task thread.
 */
export function sourcePartitionKeyer(): (p: SourcePartition) => string {
  let last: SourcePartition | undefined
  let lastKey = ''
  return (p) => {
    if (p === last) return lastKey
    if (last === undefined || !sameFlatPartition(p, last)) lastKey = JSON.stringify(p)
    last = p
    return lastKey
  }
}

/** True when both partitions have the same keys in the same order with equal primitive values. */
function sameFlatPartition(a: SourcePartition, b: SourcePartition): boolean {
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!
    if (k !== kb[i]) return false
    const va = (a as Record<string, unknown>)[k]
    if (typeof va === 'object' && va !== null) return false
    if (va !== (b as Record<string, unknown>)[k]) return false
  }
  return true
}
