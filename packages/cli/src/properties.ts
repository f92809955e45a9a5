import { readFileSync } from 'node:fs'
import { Properties } from 'properties-file/parser'
import { CliError } from './cli-error.js'

/**
 * Java `.properties` files, as Kafka's `Utils.loadProps` reads worker and connector files: `#`/`!`
 * comments, `=`/`:`/whitespace separators, `\` line continuations, escapes (`\t`, `\n`, `\uXXXX`, …),
 * last value wins. Parsing is done by the `properties-file` library, which follows
 * `java.util.Properties.load`.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Decodes file bytes. Java's `Properties.load(InputStream)` reads ISO-8859-1; Sluice reads UTF-8 (what
 * editors write today) and falls back to ISO-8859-1 for bytes that are not UTF-8, so files written for
 * Java still load. Only non-ASCII text that is valid UTF-8 reads differently from Java.
 */
export function decodePropertiesBytes(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes)
  } catch {
    return Buffer.from(bytes).toString('latin1')
  }
}

/** Parses `.properties` content into a plain string map. */
export function parseProperties(content: string | Uint8Array): Record<string, string> {
  const text = typeof content === 'string' ? content : decodePropertiesBytes(content)
  // Into a null-prototype object, so keys such as `__proto__` or `constructor` are ordinary keys; the
  // last occurrence of a key wins, as in Java.
  const out = Object.create(null) as Record<string, string>
  for (const node of new Properties(text).getProperties()) out[node.key] = node.value
  return out
}

/** Reads a file, or fails with a message naming it and what to do. */
export function readConfigFile(file: string, what: string, exitCode: number): Buffer {
  try {
    return readFileSync(file)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const reason =
      code === 'ENOENT'
        ? 'no such file; check the path (relative paths are resolved from the current directory)'
        : code === 'EISDIR'
          ? 'it is a directory; give the path of a file'
          : code === 'EACCES'
            ? 'permission denied; make it readable by this user'
            : (err as Error).message
    throw new CliError(`cannot read ${what} ${file}: ${reason}`, exitCode, { cause: err })
  }
}

/** Loads a `.properties` file (Kafka's `Utils.propsToStringMap(Utils.loadProps(file))`). */
export function loadPropertiesFile(file: string, what: string, exitCode: number): Record<string, string> {
  return parseProperties(readConfigFile(file, what, exitCode))
}
