/**
 * Log lines in Kafka Connect's layout (`connect-log4j.properties`):
 * `[2026-12-03 11:42:44,123] ERROR [my-sink|task-0] message (org.apache.kafka.connect.runtime.WorkerTask)`,
 * to stdout by default. The connector context (`[name|task-0] `, `[name|worker] `) is Kafka's MDC
 * `connector.context`; tools that grep Java Connect's logs for it keep working.
 */

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'

/** Where finished lines go; replaceable (tests capture, the CLI may redirect). */
export type LogSink = (line: string) => void

const LEVELS: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 }

let sink: LogSink = (line) => process.stdout.write(`${line}\n`)
let threshold: number =
  LEVELS[(process.env.SLUICE_LOG_LEVEL as LogLevel | undefined) ?? 'INFO'] ?? LEVELS.INFO

/** Values of PASSWORD config keys seen by this thread: never written in a log line. */
const secrets = new Set<string>()

/**
 * Registers values that must never appear in a log line (the PASSWORD keys of a connector's
 * ConfigDef); each occurrence is written as `[hidden]`, Kafka's mask. Values shorter than 4
 * characters are ignored (masking them would garble unrelated text).
 */
export function hideInLogs(values: Iterable<string>): void {
  for (const v of values) if (v.length >= 4) secrets.add(v)
}

/** `text` with every registered secret masked. */
export function redact(text: string): string {
  if (secrets.size === 0) return text
  let out = text
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[hidden]')
  return out
}

/** Replaces where log lines go (returns the previous sink). */
export function setLogSink(next: LogSink): LogSink {
  const prev = sink
  sink = next
  return prev
}

export function setLogLevel(level: LogLevel): void {
  threshold = LEVELS[level]
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/** log4j's default `%d`: `yyyy-MM-dd HH:mm:ss,SSS` in local time. */
export function logTimestamp(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`
}

/** Kafka's connector context for a task (`[name|task-0] `) or a connector (`[name|worker] `). */
export function connectorContext(connector: string, task?: number): string {
  return `[${connector}|${task === undefined ? 'worker' : `task-${task}`}] `
}

/** A logger bound to a logger name (Kafka's class name) and an optional connector context. */
export class Logger {
  readonly name: string
  readonly context: string

  constructor(name: string, context = '') {
    this.name = name
    this.context = context
  }

  /** The same logger with a connector context. */
  forTask(connector: string, task?: number): Logger {
    return new Logger(this.name, connectorContext(connector, task))
  }

  log(level: LogLevel, message: string, now = Date.now()): void {
    if (LEVELS[level] < threshold) return
    sink(redact(`[${logTimestamp(now)}] ${level} ${this.context}${message} (${this.name})`))
  }

  info(message: string): void {
    this.log('INFO', message)
  }
  warn(message: string): void {
    this.log('WARN', message)
  }
  error(message: string): void {
    this.log('ERROR', message)
  }
  debug(message: string): void {
    this.log('DEBUG', message)
  }
}

/** Kafka's logger names, so log filters written for Java Connect match. */
export const LOGGERS = {
  workerTask: 'org.apache.kafka.connect.runtime.WorkerTask',
  workerSinkTask: 'org.apache.kafka.connect.runtime.WorkerSinkTask',
  workerSourceTask: 'org.apache.kafka.connect.runtime.WorkerSourceTask',
  logReporter: 'org.apache.kafka.connect.runtime.errors.LogReporter',
  retryOperator: 'org.apache.kafka.connect.runtime.errors.RetryWithToleranceOperator',
  dlqReporter: 'org.apache.kafka.connect.runtime.errors.DeadLetterQueueReporter',
  supervisor: 'io.sluice.runtime.TaskSupervisor',
  connectorActor: 'io.sluice.runtime.ConnectorActor',
} as const
