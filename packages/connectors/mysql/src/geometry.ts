/**
 * Re-encodes a spatial value that the binlog decoder turned into coordinates back into MySQL's internal
 * form (4-byte SRID, then little-endian WKB), which is what Debezium's Geometry/Point structs carry.
 * Only a fallback: the project's zongji patch hands over the raw bytes, SRID included; an unpatched
 * decoder drops the SRID, so it comes back as 0 (reported as `srid: null`).
 */
interface Pt {
  x: number
  y: number
}

const WKB = {
  point: 1,
  linestring: 2,
  polygon: 3,
  multipoint: 4,
  multilinestring: 5,
  multipolygon: 6,
  collection: 7,
}

function isPoint(v: unknown): v is Pt {
  return typeof v === 'object' && v !== null && 'x' in v && 'y' in v
}

function encode(v: unknown, hint: string, out: number[]): void {
  const header = (type: number): void => {
    out.push(1)
    const b = Buffer.alloc(4)
    b.writeUInt32LE(type)
    out.push(...b)
  }
  const u32 = (n: number): void => {
    const b = Buffer.alloc(4)
    b.writeUInt32LE(n)
    out.push(...b)
  }
  const pt = (p: Pt): void => {
    const b = Buffer.alloc(16)
    b.writeDoubleLE(p.x, 0)
    b.writeDoubleLE(p.y, 8)
    out.push(...b)
  }
  if (isPoint(v)) {
    header(WKB.point)
    pt(v)
    return
  }
  if (!Array.isArray(v)) throw new TypeError(`cannot encode spatial value ${JSON.stringify(v)}`)
  if (v.every(isPoint)) {
    // A list of points is a LINESTRING unless the column says MULTIPOINT.
    if (hint === 'multipoint') {
      header(WKB.multipoint)
      u32(v.length)
      for (const p of v) encode(p, 'point', out)
    } else {
      header(WKB.linestring)
      u32(v.length)
      for (const p of v) pt(p)
    }
    return
  }
  if (v.every((r) => Array.isArray(r) && r.every(isPoint))) {
    if (hint === 'multilinestring') {
      header(WKB.multilinestring)
      u32(v.length)
      for (const l of v) encode(l, 'linestring', out)
    } else {
      header(WKB.polygon)
      u32(v.length)
      for (const ring of v as Pt[][]) {
        u32(ring.length)
        for (const p of ring) pt(p)
      }
    }
    return
  }
  if (hint === 'multipolygon') {
    header(WKB.multipolygon)
    u32(v.length)
    for (const poly of v) encode(poly, 'polygon', out)
    return
  }
  header(WKB.collection)
  u32(v.length)
  for (const g of v) encode(g, 'geometry', out)
}

/** MySQL's internal geometry bytes for a decoded value; `dataType` is the column's type (`point`, …). */
export function encodeGeometry(value: unknown, dataType: string): Buffer {
  const out: number[] = [0, 0, 0, 0]
  encode(value, dataType, out)
  return Buffer.from(out)
}
