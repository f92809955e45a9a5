import type { ConfigInfo, ConfigInfos, ConnectorProps, SourceConnector } from '@sluice/api'

/**
 * The distributed herder's source-connector checks of KIP-618 (Java's
 * `DistributedHerder.validateSourceConnectorExactlyOnceSupport` and `…TransactionBoundary`), with
 * Java's messages, added to the standalone validation's result. Plus what Sluice does not implement
 * yet, as validation errors rather than silence.
 */

const REQUESTED = 'requested'

function unexpected(err: unknown): string {
  const m = (err as Error)?.message?.trim() ?? ''
  return m === ''
    ? 'An unexpected error occurred during validation; please see the worker logs for more details.'
    : `An unexpected error occurred during validation: ${m}`
}

/** Errors per key, for the keys whose own validation passed (Java adds only to error-free values). */
export function exactlyOnceErrors(
  props: ConnectorProps,
  connector: SourceConnector,
  workerEnabled: boolean,
): Map<string, string[]> {
  const out = new Map<string, string[]>()
  const add = (key: string, message: string) => out.set(key, [...(out.get(key) ?? []), message])
  if ((props['exactly.once.support'] ?? REQUESTED).trim().toLowerCase() === 'required') {
    if (!workerEnabled)
      add('exactly.once.support', 'This worker does not have exactly-once source support enabled.')
    try {
      const support = connector.exactlyOnceSupport(props)
      if (support === null)
        add(
          'exactly.once.support',
          `The connector does not implement the API required for preflight validation of exactly-once source support. Please consult the documentation for the connector to determine whether it supports exactly-once semantics, and then consider reconfiguring the connector to use the value "${REQUESTED}" for this property (which will disable this preflight check and allow the connector to be created).`,
        )
      else if (support === 'UNSUPPORTED')
        add(
          'exactly.once.support',
          'The connector does not support exactly-once semantics with the provided configuration.',
        )
    } catch (err) {
      add('exactly.once.support', unexpected(err))
    }
  }
  if ((props['transaction.boundary'] ?? 'poll').trim().toLowerCase() === 'connector') {
    try {
      const can = connector.canDefineTransactionBoundaries(props) as string | null
      if (can === null)
        add(
          'transaction.boundary',
          "This connector has returned a null value from its canDefineTransactionBoundaries method, which is not permitted. The connector will be treated as if it cannot define its own transaction boundaries, and cannot be configured with 'transaction.boundary' set to 'connector'.",
        )
      else if (can !== 'SUPPORTED')
        add(
          'transaction.boundary',
          'The connector does not support connector-defined transaction boundaries with the given configuration. Please reconfigure it to use a different transaction boundary definition.',
        )
    } catch (err) {
      add('transaction.boundary', unexpected(err))
    }
  }
  const offsetsTopic = props['offsets.storage.topic']
  if (offsetsTopic !== undefined && offsetsTopic.trim() !== '')
    add(
      'offsets.storage.topic',
      'Sluice does not implement per-connector offsets topics yet: remove offsets.storage.topic (offsets go to the worker offsets topic).',
    )
  return out
}

/** `infos` with `errors` added to the named keys' values and `error_count` recounted. */
export function withErrors(infos: ConfigInfos, errors: ReadonlyMap<string, readonly string[]>): ConfigInfos {
  if (errors.size === 0) return infos
  const configs: ConfigInfo[] = infos.configs.map((c) => {
    const value = c.value
    const extra = value === null ? undefined : errors.get(value.name)
    // Java adds these only when the key's own validation found nothing.
    if (value === null || extra === undefined || value.errors.length > 0) return c
    return { ...c, value: { ...value, errors: [...value.errors, ...extra] } }
  })
  return {
    ...infos,
    error_count: configs.filter((c) => (c.value?.errors.length ?? 0) > 0).length,
    configs,
  }
}
