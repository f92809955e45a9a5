import { kafkaBinding } from './binding.js'

/**
 * Whether the loaded binding carries Sluice's batch calls (patches/@confluentinc__kafka-javascript@1.10.1.patch,
 * docs/binding-batch-api.md): columnar consume, batch produce and batched delivery reports come together.
 * `SLUICE_KAFKA_BATCH=off` (or `0`, `false`) forces the stock per-message path, so both paths stay tested.
 */
export function batchApiAvailable(): boolean {
  const forced = process.env.SLUICE_KAFKA_BATCH?.toLowerCase()
  if (forced === 'off' || forced === '0' || forced === 'false') return false
  const b = kafkaBinding() as unknown as {
    Producer: { prototype: Record<string, unknown> }
    KafkaConsumer: { prototype: Record<string, unknown> }
  }
  return (
    typeof b.Producer.prototype.produceBatch === 'function' &&
    typeof b.KafkaConsumer.prototype.consumeColumnar === 'function'
  )
}

/** librdkafka's description of an error code (as `err2str`). */
export function kafkaErrorString(code: number): string {
  const codes = (kafkaBinding() as unknown as { CODES?: { ERRORS?: Record<string, number> } }).CODES?.ERRORS
  if (codes !== undefined) {
    for (const name in codes) if (codes[name] === code) return `${name} (${code})`
  }
  return `librdkafka error ${code}`
}
