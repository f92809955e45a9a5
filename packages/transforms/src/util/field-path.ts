/**
 * Kafka's `field.syntax.version` (KIP-821) and `SingleFieldPath`: `V1` takes a field name as is, `V2`
 * reads dotted paths with backtick-quoted steps (`` `foo.bar`.baz ``, `` \` `` escapes a backtick).
 */
import type { Field, Schema, Struct } from '@sluice/api'
import { CaseInsensitiveValidString, type ConfigDef, ConfigError, invalidConfigValue } from '@sluice/api'
import { type JsMap, requireMapOrNull, requireStructOrNull } from './requirements.js'

export type FieldSyntaxVersion = 'V1' | 'V2'

export const FIELD_SYNTAX_VERSION_CONFIG = 'field.syntax.version'
const FIELD_SYNTAX_VERSION_DOC =
  'Defines the version of the syntax to access fields. If set to <code>V1</code>, then the field paths are limited to access the elements at the root level of the struct or map. If set to <code>V2</code>, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots. E.g. to access the subfield <code>baz</code> from a field named "foo.bar" in a struct/map the following format can be used to access its elements: "<code>foo.bar</code>.baz".'

/** Kafka's `FieldSyntaxVersion.appendConfigTo`. */
export function appendFieldSyntaxVersion(def: ConfigDef): ConfigDef {
  return def.define({
    name: FIELD_SYNTAX_VERSION_CONFIG,
    type: 'STRING',
    defaultValue: 'V1',
    validator: CaseInsensitiveValidString.in('V1', 'V2'),
    importance: 'HIGH',
    documentation: FIELD_SYNTAX_VERSION_DOC,
  })
}

/** Kafka's `FieldSyntaxVersion.fromConfig`. */
export function fieldSyntaxVersion(value: string | null): FieldSyntaxVersion {
  const v = (value ?? '').toUpperCase()
  if (v !== 'V1' && v !== 'V2') {
    throw invalidConfigValue(FIELD_SYNTAX_VERSION_CONFIG, value, 'Unrecognized field syntax version')
  }
  return v
}

function incompleteBacktick(path: string, at: number): never {
  throw new ConfigError(
    `Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${at} to escape it`,
  )
}

function stepsV2(path: string): string[] {
  const steps: string[] = []
  let idx = 0
  while (idx < path.length && idx >= 0) {
    if (path[idx] !== '`') {
      const start = idx
      idx = path.indexOf('.', idx)
      if (idx >= 0) {
        steps.push(path.slice(start, idx))
        idx++
      } else steps.push(path.slice(start))
    } else {
      const backtickAt = idx
      idx++
      let field = ''
      let start = idx
      for (;;) {
        idx = path.indexOf('`', idx)
        if (idx === -1) incompleteBacktick(path, backtickAt)
        const escaped = path[idx - 1] === '\\'
        if (idx >= path.length - 1) {
          if (escaped) incompleteBacktick(path, backtickAt)
          field += path.slice(start, idx)
          steps.push(field)
          idx++
          break
        }
        if (path[idx + 1] !== '.') {
          idx++
          continue
        }
        if (escaped) {
          field += `${path.slice(start, idx - 1)}\``
          idx++
          start = idx
          continue
        }
        field += path.slice(start, idx)
        steps.push(field)
        idx += 2
        break
      }
    }
  }
  if (path.length > 0 && path[path.length - 1] === '.') steps.push('')
  return steps
}

/** Kafka's `SingleFieldPath`. */
export class SingleFieldPath {
  readonly steps: readonly string[]

  constructor(path: string, version: FieldSyntaxVersion) {
    this.steps = version === 'V1' ? [path] : stepsV2(path)
  }

  get #last(): string {
    return this.steps[this.steps.length - 1]!
  }

  fieldFrom(schema: Schema | null): Field | undefined {
    if (schema === null) return undefined
    let current = schema
    for (let i = 0; i < this.steps.length - 1; i++) {
      const f = current.field(this.steps[i]!)
      if (f === undefined) return undefined
      current = f.schema
    }
    return current.field(this.#last)
  }

  valueFromStruct(struct: Struct | null, withDefault = true): unknown {
    if (struct === null) return null
    let current: Struct | null = struct
    for (let i = 0; i < this.steps.length - 1; i++) {
      const step = this.steps[i]!
      if (current.schema.field(step) === undefined) return null
      current = requireStructOrNull(current.get(step), 'nested field access')
      if (current === null) return null
    }
    const last = this.#last
    if (current.schema.field(last) === undefined) return null
    return withDefault ? current.get(last) : current.getWithoutDefault(last)
  }

  valueFromMap(map: JsMap | null): unknown {
    if (map === null) return null
    let current: JsMap | null = map
    for (let i = 0; i < this.steps.length - 1; i++) {
      current = requireMapOrNull(current.get(this.steps[i]!), 'nested field access')
      if (current === null) return null
    }
    return current.get(this.#last) ?? null
  }
}
