import { renderReport, ReportInput } from '../../lib/epi/report';

/** A small deterministic generator, so fixtures do not depend on Math.random. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function fixture(n: number, D: number, overrides: Partial<ReportInput> = {}): ReportInput {
  const u = lcg(7);
  const samples = Float64Array.from({ length: n * D }, () => 1 + 8 * u());
  const logq = Float64Array.from({ length: n }, () => -3 * u());
  const params = Array.from({ length: D }, (_, d) => ({
    name: d === 1 ? '<b>&' : `z${d}`,
    unit: d === 0 ? 'nS' : '',
    lower: d === D - 1 ? -Infinity : 0,
    upper: d === D - 1 ? Infinity : 10,
  }));
  const rows = 300;
  const epoch = Array.from({ length: rows }, (_, r) => Math.floor(r / 100));
  return {
    title: 'EPI <run> & "test"',
    model: 'stg',
    params,
    samples,
    logq,
    stats: [
      { name: 'f_hub', mean: 0.55, std: 0.025, values: Float64Array.from({ length: n }, () => 0.5 + 0.1 * u()) },
      { name: 'f_s2', mean: 1, std: 0.1, values: Float64Array.from({ length: n }, () => 0.8 + 0.4 * u()) },
    ],
    history: {
      epoch,
      iteration: Array.from({ length: rows }, (_, r) => 10 * r),
      H: Array.from({ length: rows }, (_, r) => Math.log1p(r)),
      cost: Array.from({ length: rows }, () => 0),
      R: Array.from({ length: rows }, (_, r) => [Math.exp(-r / 50), -Math.exp(-r / 80)]),
    },
    constraintNames: ['E[f_hub]', 'Var[f_hub]'],
    epochs: [0, 1, 2].map((e) => ({
      epoch: e,
      iterations: 1000,
      H: e + 0.5,
      c: 10 ** (e - 3),
      eta: [e, -e / 2],
      p: [0.01, 0.2 * (e + 1)],
      converged: e === 2,
    })),
    selectedEpoch: 2,
    converged: true,
    settings: { N: 1000, lr: 0.001, 'device<>': 'cpu', bn: true },
    ...overrides,
  };
}

/** Every tag opened inside `xml` is closed in order (self-closing tags count as both). */
function balanced(xml: string): boolean {
  const stack: string[] = [];
  for (const [, closing, name, selfClosing] of xml.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0;
}

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

/** The markup of each lower-triangle scatter panel, keyed "i,j". */
function scatterPanels(html: string): Map<string, string> {
  const panels = new Map<string, string>();
  for (const m of html.matchAll(/<g class="panel scatter" data-i="(\d+)" data-j="(\d+)">([\s\S]*?)\n<\/g>/g)) {
    panels.set(`${m[1]},${m[2]}`, m[3]);
  }
  return panels;
}

describe('renderReport', () => {
  const D = 3;
  const html = renderReport(fixture(500, D));

  it('is one well-formed, self-contained page', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(count(html, /<html[\s>]/g)).toBe(1);
    expect(count(html, /<\/html>/g)).toBe(1);
    expect(count(html, /<body>/g)).toBe(1);
    // Pair plot, convergence and statistics figures.
    expect(count(html, /<svg[\s>]/g)).toBe(3);
    expect(count(html, /<\/svg>/g)).toBe(3);
    for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g)!) expect(balanced(svg)).toBe(true);
    expect(balanced(html.slice(html.indexOf('<body>'), html.indexOf('</body>') + 7))).toBe(true);
    // Nothing to run and nothing fetched: the only URL is the SVG namespace, the only url() a local clip path.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|href=|@import/i);
    expect(html.match(/https?:\/\/[^\s"]*/g)!.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
    expect(html.match(/url\([^)]*\)/g)!.every((u) => /^url\(#pair-\d+-\d+\)$/.test(u))).toBe(true);
  });

  it('draws one scatter panel per lower-triangle pair and one histogram per parameter and statistic', () => {
    const panels = scatterPanels(html);
    expect([...panels.keys()].sort()).toEqual(['1,0', '2,0', '2,1']);
    expect(count(html, /class="panel hist param"/g)).toBe(D);
    expect(count(html, /class="panel hist stat"/g)).toBe(2);
    expect(html).toContain('data-stat="f_hub"');
    expect(html).toContain('data-stat="f_s2"');
    // Each statistic's panel marks its target mean and shades mean ± std.
    expect(count(html, /class="target-mean"/g)).toBe(2);
    expect(count(html, /class="target-band"/g)).toBe(2);
  });

  it('escapes every piece of text from the input', () => {
    expect(html).not.toContain('<b>&');
    expect(html).not.toContain('<run>');
    expect(html).not.toContain('device<>');
    expect(html).toContain('&#60;b&#62;&#38;');
    expect(html).toContain('<title>EPI &#60;run&#62; &#38; &#34;test&#34;</title>');
    // The parameter labels the left edge of its row and the bottom edge of its column.
    expect(count(html, />&#60;b&#62;&#38;<\/text>/g)).toBeGreaterThanOrEqual(2);
  });

  it('states the emergent property, settings and outcome in the header', () => {
    expect(html).toMatch(/<td>f_hub<\/td><td>0\.55<\/td><td>0\.025<\/td>/);
    expect(html).toMatch(/<td>lr<\/td><td>0\.001<\/td>/);
    expect(html).toMatch(/<td>device&#60;&#62;<\/td><td>cpu<\/td>/);
    expect(html).toMatch(/<th>converged<\/th><td><span class="yes">yes<\/span><\/td>/);
    expect(html).toMatch(/<th>selected epoch<\/th><td>2<\/td>/);
    expect(html).toMatch(/<th>entropy H<\/th><td>2\.5<\/td>/);
  });

  it('tabulates the epochs, highlighting the selected one', () => {
    const table = html.slice(html.indexOf('<h2>Epochs</h2>'));
    expect(count(table, /<tr[ >]/g)).toBe(1 + 3);
    expect(table).toMatch(/<tr class="selected"><td>2<\/td><td>1000<\/td><td>2\.5<\/td><td>0\.1<\/td><td>\[2, -1\]<\/td><td>\[0\.01, 0\.6\]<\/td><td><span class="yes">yes<\/span><\/td><\/tr>/);
    expect(table).toMatch(/<tr><td>0<\/td>.*<span class="no">no<\/span>/);
  });

  it('draws H and each constraint against iteration with a zero line and the epoch boundaries', () => {
    const svg = html.match(/<svg[^>]*class="convergence"[\s\S]*?<\/svg>/)![0];
    expect(count(svg, /data-series="H"/g)).toBe(1);
    expect(count(svg, /data-series="R"/g)).toBe(2);
    // Two epoch boundaries (rows 100 and 200) in each of the three panels.
    expect(count(svg, /stroke-dasharray="4 3"/g)).toBe(2 * 3);
    expect(svg).toContain('R: E[f_hub]');
    expect(svg).toContain('R: Var[f_hub]');
  });

  it('is deterministic', () => {
    expect(renderReport(fixture(500, D))).toBe(html);
  });

  it('caps the scatter at 2000 points per panel and keeps the page small for 10 000 samples', () => {
    const big = renderReport(fixture(10000, 4));
    const panels = scatterPanels(big);
    expect(panels.size).toBe(6);
    for (const panel of panels.values()) {
      const drawn = Number(panel.match(/data-points="(\d+)"/)![1]);
      expect(drawn).toBe(2000);
      expect(count(panel, /h0/g)).toBe(drawn);
    }
    expect(Buffer.byteLength(big)).toBeLessThan(400 * 1024);
  });

  it('honours a smaller point cap and draws every sample when there are fewer', () => {
    const capped = scatterPanels(renderReport(fixture(500, 2), { maxScatterPoints: 40 }));
    expect(count(capped.get('1,0')!, /h0/g)).toBe(40);
    const all = scatterPanels(renderReport(fixture(500, 2)));
    expect(count(all.get('1,0')!, /h0/g)).toBe(500);
  });

  it('draws the contour polylines over their panel when given, and none otherwise', () => {
    const line: [number, number][] = [[1, 1], [2, 3], [5, 4], [9, 9]];
    const withContours = renderReport(fixture(500, D, { contours: [{ i: 2, j: 0, lines: [line, line.slice(0, 2)], label: 'f = <0.55>' }] }));
    const panels = scatterPanels(withContours);
    const contour = panels.get('2,0')!.match(/<g class="contour">([\s\S]*?)<\/g>/)![1];
    expect(contour).toContain('<title>f = &#60;0.55&#62;</title>');
    const paths = [...contour.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]);
    expect(paths.map((d) => [count(d, /M/g), count(d, /L/g)])).toEqual([[1, 3], [1, 1]]);
    // Inside the scatter's clip path, drawn after (over) the points.
    expect(panels.get('2,0')!).toMatch(/<g clip-path="url\(#pair-2-0\)"><g class="points"[\s\S]*<g class="contour">/);
    expect(panels.get('1,0')!).not.toContain('class="contour"');
    expect(html).not.toContain('class="contour"');
  });

  it('places contour points as (z_j, z_i) in the panel of row i and column j', () => {
    // z0 ∈ [0, 10] on x; row 1 is z1 (bounds [0, 10]) on y: the corners of the panel's frame.
    const input = fixture(50, D, { contours: [{ i: 1, j: 0, lines: [[[0, 0], [10, 10]]] }] });
    const panel = scatterPanels(renderReport(input)).get('1,0')!;
    const frame = panel.match(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none"/)!.slice(1).map(Number);
    const d = panel.match(/<g class="contour"><path d="M([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)"/)!.slice(1).map(Number);
    expect(d).toEqual([frame[0], frame[1] + frame[3], frame[0] + frame[2], frame[1]]);
  });

  it("keeps a statistic's axis on the bulk of its values and says how many it leaves off", () => {
    const input = fixture(1000, 2);
    const values = Float64Array.from(input.stats[0].values);
    values[3] = 1e6;
    values[4] = NaN;
    input.stats[0] = { ...input.stats[0], values };
    const page = renderReport(input);
    expect(page).toContain('f_hub: 2 values off the axis');
    expect(page).not.toMatch(/f_s2: \d+ values? off the axis/);
    // Without the two, the axis still ends near the values (0.5 … 0.6), not at a million.
    const panel = page.match(/<g class="panel hist stat" data-stat="f_hub">[\s\S]*?\n<\/g>/)![0];
    const ticks = [...panel.matchAll(/text-anchor="(?:middle|start|end)">([-\d.e+]+)<\/text>/g)].map((m) => Number(m[1]));
    expect(Math.max(...ticks)).toBeLessThan(1);
  });

  it('lays epochs end to end when the iteration count restarts in each', () => {
    const input = fixture(100, 2);
    input.history.iteration = Array.from(input.history.epoch, (_, r) => 10 * (r % 100));
    expect(renderReport(input)).toContain('Iteration counts restart each epoch');
  });

  it.each([
    ['samples that are not n × D', { samples: new Float64Array(7) }, /samples has 7 numbers/],
    ['a logq of the wrong length', { logq: new Float64Array(3) }, /logq has 3 values; there are 100 samples/],
    ['a statistic of the wrong length', { stats: [{ name: 's', mean: 0, std: 1, values: new Float64Array(5) }] }, /stats\[0\] \(s\) has 5 values/],
    ['a contour above the diagonal', { contours: [{ i: 0, j: 1, lines: [] }] }, /contours\[0\] is for \(i, j\) = \(0, 1\)/],
    ['no parameters', { params: [] }, /params is empty/],
  ])('rejects %s', (_what, overrides, message) => {
    expect(() => renderReport(fixture(100, D, overrides as Partial<ReportInput>))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(message) }),
    );
  });

  it('rejects history fields of unequal length', () => {
    const input = fixture(100, D);
    input.history.H = Array.from(input.history.H).slice(0, 10);
    expect(() => renderReport(input)).toThrow(/history\.H has 10 rows; history\.iteration has 300/);
    const bad = fixture(100, D);
    bad.history.R[4] = [1];
    expect(() => renderReport(bad)).toThrow(/history\.R\[4\] has 1 values; there are 2 constraint names/);
  });

  it('renders a run without logq, contours, history or epochs', () => {
    const bare = renderReport(
      fixture(20, 1, {
        logq: undefined,
        history: { epoch: [], iteration: [], H: [], cost: [], R: [] },
        epochs: [],
        selectedEpoch: undefined,
        converged: false,
        stats: [],
      }),
    );
    expect(count(bare, /class="panel hist param"/g)).toBe(1);
    expect(count(bare, /class="panel scatter"/g)).toBe(0);
    expect(bare).toContain('No optimisation history was logged.');
    expect(bare).toMatch(/<th>converged<\/th><td><span class="no">no<\/span>/);
    expect(bare).not.toContain('log q');
  });
});
