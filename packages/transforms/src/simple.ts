/**
 * The record-level transforms of Kafka's connect-transforms: DropHeaders, Filter, InsertHeader,
 * RegexRouter and TimestampRouter.
 */
import type { ConnectRecord, PluginConfigs, SchemaAndValue, Transformation } from '@sluice/api'
import { AbstractConfig, ConfigDef, DataError, NonNullValidator, newRecord, parseString } from '@sluice/api'
import { compileJavaRegex, expandJavaReplacement } from './util/java-regex.js'
import { SimpleDateFormat } from './util/simple-date-format.js'
import { AnyNonDuplicateValues, RegexValidator } from './util/validators.js'

export const DROP_HEADERS_CONFIG_DEF = new ConfigDef().define({
  name: 'headers',
  type: 'LIST',
  validator: new AnyNonDuplicateValues(),
  importance: 'HIGH',
  documentation: 'The name of the headers to be removed.',
})

/** Kafka's `DropHeaders`: removes every header with one of the configured names. */
export class DropHeaders implements Transformation {
  #headers = new Set<string>()
  configure(configs: PluginConfigs): void {
    this.#headers = new Set(new AbstractConfig(DROP_HEADERS_CONFIG_DEF, configs).getList('headers'))
  }
  apply<R extends ConnectRecord>(record: R): R {
    const updated = record.headers.duplicate().clear()
    for (const h of record.headers) if (!this.#headers.has(h.key)) updated.add(h.key, h.value, h.schema)
    return newRecord(record, { headers: updated })
  }
  config(): ConfigDef {
    return DROP_HEADERS_CONFIG_DEF
  }
  close(): void {}
}

export const FILTER_CONFIG_DEF = new ConfigDef()

/** Kafka's `Filter`: drops every record (used with a predicate). */
export class Filter implements Transformation {
  configure(_configs: PluginConfigs): void {}
  apply(_record: ConnectRecord): null {
    return null
  }
  config(): ConfigDef {
    return FILTER_CONFIG_DEF
  }
  close(): void {}
}

export const INSERT_HEADER_CONFIG_DEF = new ConfigDef()
  .define({
    name: 'header',
    type: 'STRING',
    validator: new NonNullValidator(),
    importance: 'HIGH',
    documentation: 'The name of the header.',
  })
  .define({
    name: 'value.literal',
    type: 'STRING',
    validator: new NonNullValidator(),
    importance: 'HIGH',
    documentation: 'The literal value that is to be set as the header value on all records.',
  })

/** Kafka's `InsertHeader`: adds a header whose value is `value.literal` parsed by `Values.parseString`. */
export class InsertHeader implements Transformation {
  #header = ''
  #literal: SchemaAndValue = { schema: null, value: null }
  configure(configs: PluginConfigs): void {
    const c = new AbstractConfig(INSERT_HEADER_CONFIG_DEF, configs)
    this.#header = c.getString('header') ?? ''
    this.#literal = parseString(c.getString('value.literal'))
  }
  apply<R extends ConnectRecord>(record: R): R {
    const headers = record.headers.duplicate().add(this.#header, this.#literal.value, this.#literal.schema)
    return newRecord(record, { headers })
  }
  config(): ConfigDef {
    return INSERT_HEADER_CONFIG_DEF
  }
  close(): void {}
}

export const REGEX_ROUTER_CONFIG_DEF = new ConfigDef()
  .define({
    name: 'regex',
    type: 'STRING',
    validator: new RegexValidator(),
    importance: 'HIGH',
    documentation: 'Regular expression to use for matching.',
  })
  .define({ name: 'replacement', type: 'STRING', importance: 'HIGH', documentation: 'Replacement string.' })

/** Kafka's `RegexRouter`: when the whole topic matches `regex`, the topic becomes `replacement` expanded. */
export class RegexRouter implements Transformation {
  #regex = /^$/u
  #replacement = ''
  configure(configs: PluginConfigs): void {
    const c = new AbstractConfig(REGEX_ROUTER_CONFIG_DEF, configs)
    this.#regex = compileJavaRegex(c.getString('regex') ?? '')
    this.#replacement = c.getString('replacement') ?? ''
  }
  apply<R extends ConnectRecord>(record: R): R {
    const m = this.#regex.exec(record.topic)
    if (m === null) return record
    return newRecord(record, { topic: expandJavaReplacement(this.#replacement, m) })
  }
  config(): ConfigDef {
    return REGEX_ROUTER_CONFIG_DEF
  }
  close(): void {}
}

export const TIMESTAMP_ROUTER_CONFIG_DEF = new ConfigDef()
  .define({
    name: 'topic.format',
    type: 'STRING',
    defaultValue: '${topic}-${timestamp}',
    importance: 'HIGH',
    documentation:
      'Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively.',
  })
  .define({
    name: 'timestamp.format',
    type: 'STRING',
    defaultValue: 'yyyyMMdd',
    importance: 'HIGH',
    documentation:
      'Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.',
  })

/** Kafka's `TimestampRouter`: topic from `topic.format` with `${topic}` and `${timestamp}` (UTC). */
export class TimestampRouter implements Transformation {
  #topicFormat = ''
  #format: SimpleDateFormat | undefined
  configure(configs: PluginConfigs): void {
    const c = new AbstractConfig(TIMESTAMP_ROUTER_CONFIG_DEF, configs)
    this.#topicFormat = c.getString('topic.format') ?? ''
    // Java builds the SimpleDateFormat lazily, so a bad pattern fails on the first record, not here.
    this.#pattern = c.getString('timestamp.format') ?? ''
  }
  #pattern = ''
  apply<R extends ConnectRecord>(record: R): R {
    if (record.timestamp === null)
      throw new DataError(`Timestamp missing on record: ${recordToString(record)}`)
    this.#format ??= new SimpleDateFormat(this.#pattern)
    const ts = this.#format.format(new Date(record.timestamp))
    const topic = this.#topicFormat
      .replaceAll('${topic}', () => record.topic)
      .replaceAll('${timestamp}', () => ts)
    return newRecord(record, { topic })
  }
  config(): ConfigDef {
    return TIMESTAMP_ROUTER_CONFIG_DEF
  }
  close(): void {}
}

/** A short description of a record for error messages (Java prints the record's `toString()`). */
export function recordToString(r: ConnectRecord): string {
  return `${'kafkaOffset' in r ? 'SinkRecord' : 'SourceRecord'}{topic='${r.topic}', kafkaPartition=${r.kafkaPartition}, timestamp=${r.timestamp}}`
}
