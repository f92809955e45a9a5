import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * pyarrow from PyPI, the independent reader of the S3 sink's JSON and Parquet objects: installed once
 * with pip into the per-user cache (`$SLUICE_CACHE_DIR/py/pyarrow-<v>`), never inside the checkout.
 */
export const PYARROW_VERSION = '26.0.1'

function cacheDir(): string {
  return path.resolve(
    process.env.SLUICE_CACHE_DIR ??
      path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'sluice'),
  )
}

let target: string | undefined

/** The folder holding pyarrow (installed here on first use; a failed install fails the test). */
export function ensurePyarrow(): string {
  if (target !== undefined) return target
  const dir = path.join(cacheDir(), 'py', `pyarrow-${PYARROW_VERSION}`)
  if (!existsSync(path.join(dir, 'pyarrow', '__init__.py'))) {
    mkdirSync(path.dirname(dir), { recursive: true })
    const r = spawnSync(
      'python3',
      [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--quiet',
        '--target',
        dir,
        `pyarrow==${PYARROW_VERSION}`,
      ],
      { stdio: 'inherit' },
    )
    if (r.status !== 0) throw new Error(`pip could not install pyarrow==${PYARROW_VERSION} into ${dir}`)
  }
  target = dir
  return dir
}

const READER = `
import json, sys
import pyarrow.json as pj
import pyarrow.parquet as pq
out = []
for f in sys.argv[1:]:
    t = pq.read_table(f) if f.endswith('.parquet') else pj.read_json(f)
    out.append({'file': f, 'rows': t.to_pylist(), 'schema': [str(x) for x in t.schema]})
print(json.dumps(out, default=str))
`

/** Rows of local JSON-lines or Parquet files, read by pyarrow. */
export function readWithPyarrow(
  files: readonly string[],
): Array<{ file: string; rows: Array<Record<string, unknown>>; schema: string[] }> {
  const text = execFileSync('python3', ['-c', READER, ...files], {
    env: { ...process.env, PYTHONPATH: ensurePyarrow() },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  return JSON.parse(text)
}
