import { ConnectError, type SourceRecord, type TransactionContext } from '@sluice/api'

/**
 * The `TransactionContext` of a source task with `transaction.boundary=connector` (Kafka's
 * `WorkerTransactionContext`), on the task's thread: it records what the task asked for; the actor
 * reads the requests while it dispatches a poll's records, splitting the batch after a record that
 * carries one and marking the last batch with a poll-level request.
 */
export class TransactionRequests implements TransactionContext {
  readonly #records = new Map<SourceRecord, 'commit' | 'abort'>()
  #batch: 'commit' | 'abort' | undefined

  commitTransaction(record?: SourceRecord): void {
    this.#request('commit', record)
  }

  abortTransaction(record?: SourceRecord): void {
    this.#request('abort', record)
  }

  #request(kind: 'commit' | 'abort', record: SourceRecord | undefined): void {
    if (record === undefined) {
      if (this.#batch !== undefined && this.#batch !== kind) throw bothRequested()
      this.#batch = kind
      return
    }
    const previous = this.#records.get(record)
    if (previous !== undefined && previous !== kind) throw bothRequested()
    this.#records.set(record, kind)
  }

  /** The request attached to `record`, removed. */
  takeRecord(record: SourceRecord): 'commit' | 'abort' | undefined {
    const r = this.#records.get(record)
    if (r !== undefined) this.#records.delete(record)
    return r
  }

  /** The poll-level request, removed. */
  takeBatch(): 'commit' | 'abort' | undefined {
    const r = this.#batch
    this.#batch = undefined
    return r
  }
}

function bothRequested(): ConnectError {
  return new ConnectError(
    'XC_ILLEGAL_STATE',
    'Both a commit and an abort were requested for the same transaction; a task may request only one of them',
  )
}
