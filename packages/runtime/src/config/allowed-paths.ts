import { existsSync } from 'node:fs'
import path from 'node:path'
import { ConfigError } from '@sluice/api'

/**
 * Kafka's `AllowedPaths` (KIP-993): the `allowed.paths` parameter of the file and directory providers.
 * Unset or empty allows every path; otherwise each entry must be absolute and exist, and a requested path
 * is allowed when, normalized, it lies inside one of them (whole path segments: `/a/b` allows `/a/b/c`,
 * not `/a/bc`; `..` cannot climb out).
 */
export class AllowedPaths {
  readonly #roots: readonly string[] | null

  constructor(configValue: string | undefined) {
    if (configValue === undefined || configValue === '') {
      this.#roots = null
      return
    }
    this.#roots = configValue.split(',').map((entry) => {
      const normalized = normalize(entry.trim())
      if (!path.isAbsolute(normalized)) {
        throw allowedPathsError(configValue, `Path ${normalized} is not absolute`)
      }
      if (!existsSync(normalized)) {
        throw allowedPathsError(configValue, `Path ${normalized} does not exist`)
      }
      return normalized
    })
  }

  /** The path to read, or `null` when `allowed.paths` does not allow it (Kafka's `parseUntrustedPath`). */
  parseUntrustedPath(untrusted: string): string | null {
    if (this.#roots === null) return untrusted
    const normalized = normalize(untrusted)
    const inside = this.#roots.some(
      (root) =>
        normalized === root || normalized.startsWith(root.endsWith(path.sep) ? root : root + path.sep),
    )
    return inside ? normalized : null
  }
}

function normalize(p: string): string {
  const n = path.normalize(p)
  // Java's Path.normalize drops a trailing separator; node keeps it.
  return n.length > 1 && n.endsWith(path.sep) ? n.slice(0, -1) : n
}

function allowedPathsError(value: string, message: string): ConfigError {
  const text = `${message}; allowed.paths=${value} must list existing absolute paths, separated by commas`
  return new ConfigError(text, { 'allowed.paths': [text] })
}
