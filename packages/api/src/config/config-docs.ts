import { type ConfigDef, type ConfigKey, convertToString } from './config-def.js'

/** The "Default" column of Kafka's docs: `""` for the empty string, `null`, or the string form; empty when required. */
function defaultText(key: ConfigKey): string {
  if (!key.hasDefault) return ''
  if (key.defaultValue === null) return 'null'
  const s = convertToString(key.defaultValue, key.type) ?? 'null'
  return s === '' ? '""' : s
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
}

/**
 * A Markdown table documenting `def` (non-internal keys, in Kafka's docs order: required first, then by
 * importance and name), with Kafka's columns: Name, Description, Type, Default, Valid Values, Importance.
 *
 * @example
 * ```ts
 * writeFileSync('docs/connectors/file-source.md', `# FileStreamSource\n\n${configDocs(def)}`)
 * ```
 */
export function configDocs(def: ConfigDef): string {
  const rows = [
    '| Name | Description | Type | Default | Valid Values | Importance |',
    '|---|---|---|---|---|---|',
  ]
  for (const key of def.sortedConfigs()) {
    if (key.internal) continue
    rows.push(
      `| \`${key.name}\` | ${cell(key.documentation)} | ${key.type.toLowerCase()} | ${cell(defaultText(key))} | ${cell(
        key.validator?.toString() ?? '',
      )} | ${key.importance.toLowerCase()} |`,
    )
  }
  return `${rows.join('\n')}\n`
}

/** reStructuredText docs of `def`, like Kafka's `ConfigDef.toRst()` (non-internal keys). */
export function configRst(def: ConfigDef): string {
  let out = ''
  for (const key of def.sortedConfigs()) {
    if (key.internal) continue
    out += `\`\`${key.name}\`\`\n`
    for (const line of key.documentation.split('\n')) if (line !== '') out += `  ${line}\n\n`
    out += `  * Type: ${key.type.toLowerCase()}\n`
    if (key.hasDefault) out += `  * Default: ${defaultText(key)}\n`
    if (key.validator !== undefined) out += `  * Valid Values: ${key.validator.toString()}\n`
    out += `  * Importance: ${key.importance.toLowerCase()}\n\n`
  }
  return out
}
