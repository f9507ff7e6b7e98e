/** One point of a line chart: `series` names the line (e.g. "discriminator", "validation ELBO"). */
export interface ChartPoint {
  x: number;
  y: number;
  series: string;
}

export interface ChartOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  width?: number;
  height?: number;
}

/** The little of vega-lite and vega used here (both are ES modules, loaded with a dynamic import). */
interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown };
}
interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
}

/** The Vega-Lite spec of a multi-series line chart: kept separate so tests and pages can read it. */
export function lineChartSpec(points: ChartPoint[], options: ChartOptions = {}): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    width: options.width ?? 480,
    height: options.height ?? 240,
    background: 'white',
    data: { values: points },
    mark: { type: 'line', interpolate: 'monotone' },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xTitle ?? 'step' },
      y: { field: 'y', type: 'quantitative', title: options.yTitle ?? 'loss', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/**
 * Renders a line chart to an SVG string in Node through Vega-Lite → Vega, with no browser and no
 * canvas (`renderer: 'none'`; text widths are estimated). Loss curves and ELBO curves use it.
 */
export async function lineChartSvg(points: ChartPoint[], options: ChartOptions = {}): Promise<string> {
  const vl = (await import('vega-lite')) as unknown as VegaLiteModule;
  const vega = (await import('vega')) as unknown as VegaModule;
  const { spec } = vl.compile(lineChartSpec(points, options));
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Turns log records (`{step, discriminatorLoss, …}`) into chart points for the named fields. */
export function pointsFromLog(records: Record<string, unknown>[], fields: string[], xField = 'step'): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (const r of records) {
    for (const f of fields) {
      const x = r[xField];
      const y = r[f];
      if (typeof x === 'number' && typeof y === 'number') points.push({ x, y, series: f });
    }
  }
  return points;
}
