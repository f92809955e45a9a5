/** The CLI's log lines: `[timestamp] LEVEL message`, like Kafka Connect's console appender. */
export interface CliLogger {
  info(message: string): void
  warn(message: string): void
  error(message: string, err?: unknown): void
}

/** The messages of an error and its causes, without stack traces (set `SLUICE_DEBUG=1` for those). */
export function describeError(err: unknown): string {
  if (process.env.SLUICE_DEBUG === '1' && err instanceof Error && err.stack !== undefined) return err.stack
  const parts: string[] = []
  let cur: unknown = err
  for (let i = 0; cur !== undefined && cur !== null && i < 5; i++) {
    const msg = cur instanceof Error ? cur.message : String(cur)
    if (msg !== '' && !parts.includes(msg)) parts.push(msg)
    cur = cur instanceof Error ? cur.cause : undefined
  }
  return parts.join('\n  caused by: ')
}

function stamp(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '')
}

/** Writes to stdout (info) and stderr (warnings and errors). */
export const consoleLogger: CliLogger = {
  info: (m) => process.stdout.write(`[${stamp()}] INFO ${m}\n`),
  warn: (m) => process.stderr.write(`[${stamp()}] WARN ${m}\n`),
  error: (m, err) =>
    process.stderr.write(`[${stamp()}] ERROR ${m}${err === undefined ? '' : `: ${describeError(err)}`}\n`),
}
