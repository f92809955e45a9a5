import type { TestRecord } from './produce.js'

const env = (payload: unknown, type = 'int32') =>
  JSON.stringify({ schema: { type, optional: false }, payload })

/** The poison corpus: bad JSON, wrong schema, an oversized value, a bad header, between good records. */
export const poisonCorpus: Array<TestRecord & { poison: false | string }> = [
  { value: env(1), poison: false },
  { value: 'NOT-JSON', poison: 'VALUE_CONVERTER' },
  { value: env('abc'), poison: 'VALUE_CONVERTER' },
  { value: env(2), headers: [{ h: Buffer.from('{bad') }], poison: 'HEADER_CONVERTER' },
  // 3 000 000 does not fit an int8: "oversized" for its schema.
  { value: env(3_000_000, 'int8'), poison: 'VALUE_CONVERTER' },
  { value: env(3), key: 'k3', headers: [{ h: Buffer.from('"fine"') }], poison: false },
]

/**
 * The corpus of the Java differential: poison that Java Kafka Connect 4.4's JsonConverter rejects too.
 * (It accepts `{"type":"int32"}` with a text payload as 0 and truncates an int8 overflow, where Sluice's
 * converter fails; those two records are left out here and reported as a converter difference.)
 */
export const differentialCorpus: Array<TestRecord & { poison: false | string }> = [
  { value: env(1), poison: false },
  { value: 'NOT-JSON', poison: 'VALUE_CONVERTER' },
  { value: env(2), headers: [{ h: Buffer.from('{bad') }], poison: 'HEADER_CONVERTER' },
  // schemas.enable=true without the envelope.
  { value: '{"g":1}', poison: 'VALUE_CONVERTER' },
  // Truncated document.
  { value: '{"schema":{"type":"int32"},"payload":', poison: 'VALUE_CONVERTER' },
  { value: env(3), key: 'k3', headers: [{ h: Buffer.from('"fine"') }], poison: false },
]
