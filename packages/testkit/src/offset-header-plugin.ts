/**
 * The one plugin the conformance suite adds to a source connector under test: a transform that copies
 * each record's source partition and offset into a header. Offsets never reach Kafka otherwise, and the
 * suite needs them to tell which records in a topic the committed offsets cover — that is what bounds the
 * duplicates after a restart.
 *
 * It runs on task threads, so this module imports only `@sluice/api` (never `@sluice/kafka`, see
 * docs/adr/0003-task-actors-on-piscina.md). The suite registers it through `plugin.path` with a generated
 * manifest (see `writeOffsetHeaderPluginDir`), exactly as a third-party plugin is found.
 *
 * @packageDocumentation
 */
import {
  ConfigDef,
  type ConnectRecord,
  definePlugin,
  type PluginDefinition,
  Schemas,
  type SourceRecord,
  type Transformation,
} from '@sluice/api'
import { canonical } from './canonical.js'

/** Class name of the transform (what `transforms.<alias>.type` names). */
export const OFFSET_HEADER_CLASS = 'io.sluice.testkit.SourceOffsetHeader'
/** Header the transform adds; its value is {@link offsetHeaderValue} of the record's partition and offset. */
export const OFFSET_HEADER = 'sluice.testkit.source.offset'

/** The header value for a source partition and offset: the same string for equal maps, whatever key order. */
export function offsetHeaderValue(partition: unknown, offset: unknown): string {
  return `${canonical(partition)} @ ${canonical(offset)}`
}

/** Adds {@link OFFSET_HEADER} to every source record that has a source partition and offset. */
export class SourceOffsetHeader implements Transformation {
  configure(): void {}

  apply(record: ConnectRecord): ConnectRecord {
    const r = record as Partial<SourceRecord> & ConnectRecord
    if (r.sourcePartition === undefined || r.sourcePartition === null || r.sourceOffset == null) return record
    // A copy: transforms must not mutate their input (the connector may reuse its Headers).
    const headers = record.headers.duplicate()
    headers.add(OFFSET_HEADER, offsetHeaderValue(r.sourcePartition, r.sourceOffset), Schemas.STRING)
    return { ...record, headers }
  }

  config(): ConfigDef {
    return new ConfigDef()
  }

  close(): void {}
}

/** The module's plugin list, as the runtime's plugin loader expects it. */
export const plugins: PluginDefinition[] = [
  definePlugin({
    kind: 'transformation',
    className: OFFSET_HEADER_CLASS,
    version: '0.1.0',
    create: () => new SourceOffsetHeader(),
  }),
]
