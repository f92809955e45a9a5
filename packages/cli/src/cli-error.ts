/**
 * An error the CLI reports as a plain message (no stack trace) before exiting with `exitCode`. The
 * message names the file, the key and the fix; the codes are ConnectStandalone's: 1 usage, 2 worker
 * configuration or startup, 3 connector configuration.
 */
export class CliError extends Error {
  readonly exitCode: number

  constructor(message: string, exitCode = 2, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'CliError'
    this.exitCode = exitCode
  }
}
