// An example plugin package for Sluice's plugin.path. A plugin package is an npm package whose
// package.json has a "sluice" field and whose main module exports `plugins`, an array of plugin
// definitions. See docs/plugins.md.
import { ConfigDef, definePlugin, newRecord } from '@sluice/api'

const configDef = new ConfigDef().define({
  name: 'field',
  type: 'STRING',
  defaultValue: '',
  importance: 'MEDIUM',
  documentation: 'Struct field to upper-case; empty upper-cases a plain string value.',
})

/** Upper-cases a record's string value (or one string field of a struct value). */
class UppercaseValue {
  #field = ''

  configure(configs) {
    this.#field = String(configs.field ?? '')
  }

  apply(record) {
    if (this.#field === '') {
      return typeof record.value === 'string'
        ? newRecord(record, { value: record.value.toUpperCase() })
        : record
    }
    const v = record.value
    if (v === null || typeof v !== 'object' || typeof v.get !== 'function') return record
    const s = v.get(this.#field)
    if (typeof s !== 'string') return record
    // Records are immutable: change a copy of the struct, never the input.
    const copy = cloneStruct(v)
    copy.put(this.#field, s.toUpperCase())
    return newRecord(record, { value: copy })
  }

  config() {
    return configDef
  }

  close() {}
}

function cloneStruct(struct) {
  const Ctor = struct.constructor
  const out = new Ctor(struct.schema)
  for (const f of struct.schema.fields) out.put(f.name, struct.get(f.name))
  return out
}

export const plugins = [
  definePlugin({
    kind: 'transformation',
    className: 'com.example.sluice.UppercaseValue',
    aliases: ['UppercaseValue'],
    version: '1.0.0',
    create: () => new UppercaseValue(),
  }),
]
