import path from 'node:path'
import type { ScenarioResult } from '../model.js'
import { RECORD_SIZE } from '../settings.js'
import { type Case, type Context, measureCases, runDir } from './common.js'
import { fileSinkRun, fileSourceRun, prefillSinkTopic, writeLines } from './connect.js'

const ERRORS_RECORDS = 500_000

/**
 * The error handler's cost on the hot path when no error occurs (issue 9: at most 3 %). Sluice only:
 * the same FileStreamSource / FileStreamSink runs with the defaults (`errors.tolerance=none`, no DLQ)
 * and with `errors.tolerance=all`, a DLQ with context headers and `errors.log.enable` — the most the
 * operator does for a good record. On the source side `all` also names every produced record (one
 * delivery-report tag per record) so a refused send can be reported. The cases alternate run by run
 * (measureCases), so load changes on the shared machine hit both alike; compare CPU s/M.
 */
export async function errorHandlingScenarios(ctx: Context): Promise<ScenarioResult[]> {
  // Half a million records: CPU per record is the figure (not wall time), and eight runs of the full
  // two million would double a full benchmark's duration.
  const n = Math.min(ctx.sizes.source, ERRORS_RECORDS)
  const input = path.join(ctx.workDir, 'errors-source-input.txt')
  writeLines(input, n)
  const tolerant = (dlq: string): Record<string, string> => ({
    'errors.tolerance': 'all',
    'errors.log.enable': 'true',
    'errors.deadletterqueue.topic.name': dlq,
    'errors.deadletterqueue.topic.replication.factor': '1',
    'errors.deadletterqueue.context.headers.enable': 'true',
  })
  const sourceCase = (mode: 'none' | 'all'): Case => ({
    id: `errors-source-${mode}`,
    group: 'errors',
    title: `FileStreamSource, errors.tolerance=${mode}${mode === 'all' ? ' + DLQ' : ''}, ${n.toLocaleString('en-US')} lines of ${RECORD_SIZE} B → 1 partition`,
    side: 'sluice',
    params: { connector: 'FileStreamSource', records: n, recordSize: RECORD_SIZE, tolerance: mode },
    run: (label) =>
      fileSourceRun(
        ctx,
        'sluice',
        input,
        n,
        runDir(ctx, { id: `errors-source-${mode}`, side: 'sluice' }, label),
        undefined,
        mode === 'all' ? tolerant(`bench-errors-source-dlq-${label}-${Date.now()}`) : {},
      ),
  })
  const sinkN = Math.min(ctx.sizes.sink, ERRORS_RECORDS)
  const topic = await prefillSinkTopic(ctx, sinkN, path.join(ctx.workDir, 'errors-sink-prefill'))
  let seq = 0
  const sinkCase = (mode: 'none' | 'all'): Case => ({
    id: `errors-sink-${mode}`,
    group: 'errors',
    title: `FileStreamSink, errors.tolerance=${mode}${mode === 'all' ? ' + DLQ' : ''}, ${sinkN.toLocaleString('en-US')} × ${RECORD_SIZE} B from 1 partition`,
    side: 'sluice',
    params: { connector: 'FileStreamSink', records: sinkN, recordSize: RECORD_SIZE, tolerance: mode },
    run: (label) =>
      fileSinkRun(
        ctx,
        'sluice',
        topic,
        sinkN,
        runDir(ctx, { id: `errors-sink-${mode}`, side: 'sluice' }, label),
        seq++,
        undefined,
        RECORD_SIZE,
        mode === 'all' ? tolerant(`bench-errors-sink-dlq-${label}-${Date.now()}`) : {},
      ),
  })
  try {
    return await measureCases(ctx, [sourceCase('none'), sourceCase('all'), sinkCase('none'), sinkCase('all')])
  } finally {
    await ctx.topics.delete(topic)
  }
}
