/**
 * The worker's logger levels (Kafka Connect's `Loggers`, behind `/admin/loggers`). Loggers are dotted
 * namespaces; a logger without an explicit level inherits its nearest ancestor's, and `root` always has one.
 * The runtime asks {@link LoggerLevels.isEnabled} before logging; the REST API reads and sets levels.
 */

/** Log4j's level names, most severe first (`OFF` disables, `ALL` enables everything). */
export const LOG_LEVELS = ['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL'] as const
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Kafka Connect's `LoggerLevel` entity. */
export interface LoggerLevel {
  readonly level: string
  readonly last_modified: number | null
}

/** Log4j's root logger name (matched case-insensitively, as Kafka Connect does). */
export const ROOT_LOGGER = 'root'

/** Parses a level name like Log4j's `Level.toLevel(name, null)`: case-insensitive, `undefined` if unknown. */
export function parseLogLevel(name: string): LogLevel | undefined {
  const upper = name.toUpperCase()
  return (LOG_LEVELS as readonly string[]).includes(upper) ? (upper as LogLevel) : undefined
}

/**
 * An in-process registry of logger levels, shared by the REST API and the runtime.
 *
 * @example
 * ```ts
 * const loggers = new LoggerLevels()
 * loggers.register('org.sluice.runtime.Worker')
 * loggers.setLevel('org.sluice', 'DEBUG') // ['org.sluice', 'org.sluice.runtime.Worker']
 * loggers.isEnabled('org.sluice.runtime.Worker', 'DEBUG') // true
 * ```
 */
export class LoggerLevels {
  /** Known loggers and their explicit level (`undefined` = inherited). */
  readonly #levels = new Map<string, LogLevel | undefined>()
  readonly #lastModified = new Map<string, number>()
  #rootLevel: LogLevel
  readonly #now: () => number

  /**
   * @param rootLevel the root logger's level (Kafka Connect's log4j config usually says INFO)
   * @param now clock for `last_modified`
   */
  constructor(rootLevel: LogLevel = 'INFO', now: () => number = Date.now) {
    this.#rootLevel = rootLevel
    this.#now = now
  }

  /** Makes a logger known (as creating a Log4j logger does); returns its name. */
  register(name: string): string {
    if (name.toLowerCase() !== ROOT_LOGGER && !this.#levels.has(name)) this.#levels.set(name, undefined)
    return name
  }

  /** The effective level of a logger, known or not. */
  effectiveLevel(name: string): LogLevel {
    if (name.toLowerCase() === ROOT_LOGGER) return this.#rootLevel
    let cur: string | undefined = name
    while (cur !== undefined) {
      const explicit = this.#levels.get(cur)
      if (explicit !== undefined) return explicit
      const dot = cur.lastIndexOf('.')
      cur = dot < 0 ? undefined : cur.slice(0, dot)
    }
    return this.#rootLevel
  }

  /** Whether a message at `level` from logger `name` should be written. */
  isEnabled(name: string, level: LogLevel): boolean {
    const effective = LOG_LEVELS.indexOf(this.effectiveLevel(name))
    return level !== 'OFF' && LOG_LEVELS.indexOf(level) <= effective
  }

  /** `GET /admin/loggers/{name}`: the level of a *known* logger, or `undefined`. */
  level(name: string): LoggerLevel | undefined {
    if (name.toLowerCase() !== ROOT_LOGGER && !this.#levels.has(name)) return undefined
    const key = name.toLowerCase() === ROOT_LOGGER ? ROOT_LOGGER : name
    return { level: this.effectiveLevel(name), last_modified: this.#lastModified.get(key) ?? null }
  }

  /** `GET /admin/loggers`: every known logger with its effective level, sorted by name, plus `root`. */
  allLevels(): Record<string, LoggerLevel> {
    const names = [...this.#levels.keys(), ROOT_LOGGER].sort()
    const out: Record<string, LoggerLevel> = {}
    for (const n of names) out[n] = this.level(n) as LoggerLevel
    return out
  }

  /**
   * `PUT /admin/loggers/{namespace}`: sets the level of the namespace and every known logger under it (creating
   * the namespace logger if needed); `root` sets every logger. Returns the affected logger names, sorted.
   * Loggers already at that level keep their `last_modified`.
   */
  setLevel(namespace: string, level: LogLevel): string[] {
    const affected: string[] = []
    const now = this.#now()
    const apply = (name: string): void => {
      affected.push(name)
      if (
        this.effectiveLevel(name) === level &&
        (name === ROOT_LOGGER || this.#levels.get(name) !== undefined)
      )
        return
      if (name === ROOT_LOGGER) this.#rootLevel = level
      else this.#levels.set(name, level)
      this.#lastModified.set(name, now)
    }
    if (namespace.toLowerCase() === ROOT_LOGGER) {
      for (const name of [...this.#levels.keys()]) apply(name)
      apply(ROOT_LOGGER)
    } else {
      this.register(namespace)
      // Kafka Connect matches children by plain prefix (so `a.b` also catches `a.bc`); kept for parity.
      for (const name of [...this.#levels.keys()]) if (name.startsWith(namespace)) apply(name)
    }
    return affected.sort()
  }
}
