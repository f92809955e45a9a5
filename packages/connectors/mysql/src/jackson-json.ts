/**
 * JSON text in the layout of Jackson's default pretty printer (`"key" : value`, arrays inline as
 * `[ a, b ]`, empty containers `[ ]` / `{ }`), which Debezium uses for schema history records. Any JSON
 * reader accepts other layouts; this one keeps the topic byte-for-byte comparable with Debezium's.
 */
export function jacksonPretty(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return 'null'
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]'
    return `[ ${value.map((v) => jacksonPretty(v, indent)).join(', ')} ]`
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
    if (entries.length === 0) return '{ }'
    const inner = `${indent}  `
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)} : ${jacksonPretty(v, inner)}`).join(',\n')}\n${indent}}`
  }
  return JSON.stringify(value)
}
