import { createRequire } from 'node:module'
import path from 'node:path'
import { Resvg } from '@resvg/resvg-js'
import * as echarts from 'echarts'
import type { BenchResults, ScenarioResult, Side } from './model.js'

const require = createRequire(import.meta.url)

// Fonts ship with the package (not the machine's fontconfig), so the PNG looks the same everywhere.
function fontFiles(): string[] {
  const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf')
  return [path.join(dir, 'DejaVuSans.ttf'), path.join(dir, 'DejaVuSans-Bold.ttf')]
}

const SIDES: readonly Side[] = ['raw', 'java', 'sluice']
const COLORS: Record<Side, string> = { raw: '#8c8c8c', java: '#e76f51', sluice: '#2a9d8f' }
const FONT = 'DejaVu Sans'

function value(
  results: readonly ScenarioResult[],
  id: string,
  side: Side,
  pick: (r: ScenarioResult) => number | undefined,
): number | '-' {
  const r = results.find((x) => x.id === id && x.side === side)
  const v = r === undefined ? undefined : pick(r)
  return v === undefined || !Number.isFinite(v) ? '-' : Math.round(v * 100) / 100
}

interface Panel {
  title: string
  ids: string[]
  sides: readonly Side[]
  pick: (r: ScenarioResult) => number | undefined
  unit: string
}

/** The chart as SVG: four panels (throughput, CPU per record, peak RSS, latency), one bar per side. */
export function chartSvg(res: BenchResults, width = 1400, height = 1000): string {
  const sc = res.scenarios
  const present = (ids: string[]) =>
    ids.filter((id) => sc.some((r) => r.id === id && r.summary !== undefined))
  const thrIds = present([
    'raw-produce-100',
    'raw-produce-100-p4',
    'raw-consume-100',
    'source-file',
    'source-datagen-1',
    'source-datagen-4',
    'sink-file',
  ])
  const connectIds = present([
    'source-file',
    'source-datagen-1',
    'source-datagen-4',
    'sink-file',
    'latency-file',
    'latency-sink',
  ])
  const panels: Panel[] = [
    {
      title: 'Throughput (records/s, 100 B values; higher is better)',
      ids: thrIds,
      sides: SIDES,
      pick: (r) => r.summary?.recordsPerSec.median,
      unit: 'records/s',
    },
    {
      title: 'CPU seconds per million records (lower is better)',
      ids: connectIds,
      sides: ['java', 'sluice'],
      pick: (r) => r.summary?.cpuSecPerMillion.median,
      unit: 'CPU s / M',
    },
    {
      title: 'Peak RSS of the worker process (MiB; lower is better)',
      ids: connectIds,
      sides: ['java', 'sluice'],
      pick: (r) => r.summary?.peakRssMiB.median,
      unit: 'MiB',
    },
    {
      title: 'Latency at half the max rate (ms; lower is better)',
      ids: present(['latency-file', 'latency-sink']).flatMap((id) =>
        ['p50', 'p99', 'max'].map((q) => `${id.slice('latency-'.length)} ${q}`),
      ),
      sides: ['java', 'sluice'],
      pick: () => undefined,
      unit: 'ms',
    },
  ]
  // Latency categories are "<pipeline> <quantile>", e.g. "file p99".
  const latency = (side: Side, category: string): number | '-' => {
    const [pipeline, which] = category.split(' ')
    return value(sc, `latency-${pipeline}`, side, (r) =>
      which === 'p50'
        ? r.summary?.latencyP50Ms?.median
        : which === 'p99'
          ? r.summary?.latencyP99Ms?.median
          : r.summary?.latencyMaxMs?.median,
    )
  }

  const cell = [
    { left: '6%', top: '9%', width: '40%', height: '30%' },
    { left: '56%', top: '9%', width: '40%', height: '30%' },
    { left: '6%', top: '57%', width: '40%', height: '30%' },
    { left: '56%', top: '57%', width: '40%', height: '30%' },
  ]
  const titleTops = ['3%', '3%', '51%', '51%']
  const titleLefts = ['6%', '56%', '6%', '56%']
  const series: echarts.SeriesOption[] = []
  panels.forEach((p, i) => {
    for (const side of p.sides) {
      series.push({
        type: 'bar',
        name: side,
        xAxisIndex: i,
        yAxisIndex: i,
        itemStyle: { color: COLORS[side] },
        label: { show: p.ids.length <= 5, position: 'top', fontSize: 10, fontFamily: FONT },
        data: p.ids.map((id) => (i === 3 ? latency(side, id) : value(sc, id, side, p.pick))),
      })
    }
  })

  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT },
    title: [
      {
        text: `Sluice vs Java Kafka Connect vs raw Kafka (${res.mode}; ${res.machine.cores} cores, Kafka ${res.machine.kafka}, ${res.startedAt.slice(0, 10)})`,
        left: 'center',
        top: 4,
        textStyle: { fontSize: 15, fontFamily: FONT },
      },
      ...panels.map((p, i) => ({
        text: p.title,
        left: titleLefts[i],
        top: titleTops[i],
        textStyle: { fontSize: 13, fontFamily: FONT },
      })),
    ],
    legend: {
      data: [...SIDES],
      top: 26,
      right: 20,
      textStyle: { fontFamily: FONT },
    },
    grid: cell,
    xAxis: panels.map((p, i) => ({
      type: 'category',
      gridIndex: i,
      data: p.ids,
      axisLabel: { interval: 0, rotate: p.ids.length > 4 ? 25 : 0, fontSize: 10, fontFamily: FONT },
    })),
    yAxis: panels.map((p, i) => ({
      // Latency spans milliseconds (delivery) to a second (FileStreamSource's idle pause): log scale.
      type: i === 3 ? 'log' : 'value',
      gridIndex: i,
      name: p.unit,
      nameTextStyle: { fontFamily: FONT },
      axisLabel: { fontFamily: FONT },
    })),
    series,
  })
  const svg = chart.renderToSVGString()
  chart.dispose()
  return svg
}

/** Renders the chart to PNG bytes (resvg: prebuilt native binary, no canvas, no browser). */
export function chartPng(res: BenchResults): Buffer {
  const resvg = new Resvg(chartSvg(res), {
    background: '#ffffff',
    font: {
      loadSystemFonts: false,
      fontFiles: fontFiles(),
      defaultFontFamily: FONT,
      sansSerifFamily: FONT,
    },
  })
  return resvg.render().asPng()
}
