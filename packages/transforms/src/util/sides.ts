/**
 * The `$Key` / `$Value` halves of Kafka's transforms: which part of the record a transform operates on
 * and how it writes it back (`record.newRecord(...)` with the other half and the headers unchanged).
 */
import type { ConnectRecord, Schema } from '@sluice/api'
import { newRecord } from '@sluice/api'

export interface Side {
  readonly name: 'Key' | 'Value'
  schema(record: ConnectRecord): Schema | null
  value(record: ConnectRecord): unknown
  with<R extends ConnectRecord>(record: R, schema: Schema | null, value: unknown): R
}

export const KEY: Side = Object.freeze({
  name: 'Key' as const,
  schema: (r: ConnectRecord) => r.keySchema,
  value: (r: ConnectRecord) => r.key,
  with: <R extends ConnectRecord>(r: R, schema: Schema | null, value: unknown): R =>
    newRecord(r, { keySchema: schema, key: value }),
})

export const VALUE: Side = Object.freeze({
  name: 'Value' as const,
  schema: (r: ConnectRecord) => r.valueSchema,
  value: (r: ConnectRecord) => r.value,
  with: <R extends ConnectRecord>(r: R, schema: Schema | null, value: unknown): R =>
    newRecord(r, { valueSchema: schema, value }),
})
