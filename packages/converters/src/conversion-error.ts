import { DataError } from '@sluice/api'
import { type ConverterType, stageOf } from './converter-config.js'

/**
 * An error inside a conversion, before the converter wraps it into a {@link DataError} that names the
 * topic. Container conversions prepend where in the value it happened (`customer.id`, `items[2]`), so
 * the final message points at the bad field without any cost on the success path.
 */
export class ValueError extends Error {
  /** Path segments from the root of the value: `.field`, `[index]`, `[key]`. */
  readonly segments: string[] = []
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ValueError'
  }
}

/** Records that `err` happened inside `segment` of its parent; returns the error to rethrow. */
export function atSegment(err: unknown, segment: string): ValueError {
  const e =
    err instanceof ValueError ? err : new ValueError((err as Error)?.message ?? String(err), { cause: err })
  e.segments.unshift(segment)
  return e
}

/** The path of a {@link ValueError} as text (`customer.id`, `items[2].sku`), or '' at the root. */
export function pathOf(err: ValueError): string {
  const s = err.segments.join('')
  return s.startsWith('.') ? s.slice(1) : s
}

/** What is being converted, for messages: `the value of topic "orders"`, `header "h" of topic "orders"`. */
export function subject(type: ConverterType, topic: string, headerKey?: string): string {
  if (type === 'header' || headerKey !== undefined) {
    return headerKey === undefined
      ? `a header of topic "${topic}"`
      : `header "${headerKey}" of topic "${topic}"`
  }
  return `the ${type} of topic "${topic}"`
}

/**
 * The {@link DataError} a converter throws: `<what> failed for <subject>: <detail> (at <path>)`, with the
 * stage of the converter type and the original error as cause.
 */
export function conversionError(
  what: string,
  type: ConverterType,
  topic: string,
  err: unknown,
  headerKey?: string,
): DataError {
  let detail = err instanceof Error ? err.message : String(err)
  if (err instanceof ValueError && err.segments.length > 0) detail += ` (at ${pathOf(err)})`
  return new DataError(`${what} failed for ${subject(type, topic, headerKey)}: ${detail}`, {
    stage: stageOf(type),
    cause: err,
  })
}

/** The {@link DataError} `<message> (<subject>)`, with the stage of the converter type. */
export function converterDataError(
  type: ConverterType,
  message: string,
  topic: string,
  headerKey: string | undefined,
): DataError {
  return new DataError(`${message} (${subject(type, topic, headerKey)})`, { stage: stageOf(type) })
}
