/**
 * The STG demo: one noisy path of the 5-neuron stomatogastric subcircuit at a chosen (g_el, g_synA),
 * its per-neuron rhythm frequencies, and the membrane voltages plotted to an SVG file.
 * @packageDocumentation
 */
import { models, simulate } from '../index';
import { writeLinePlot } from '../io/svg';

export interface StgDemoOptions {
  /** Electrical coupling hub↔f2, hub↔s2 (nS); defaults to EPI's mode 6.1071167. */
  gEl?: number;
  /** Inhibition f1→hub, s1→hub (nS); defaults to EPI's mode 1.3093035. */
  gSynA?: number;
  /** Path of the SVG file to write. */
  out: string;
  device?: 'auto' | 'cpu' | 'cuda';
}

export interface StgDemoResult {
  /** Rhythm frequency (Hz) of each neuron, keyed by statistic name (hub, f1, f2, s1, s2). */
  frequencies: Record<string, number>;
  /** The SVG file written. */
  plot: string;
}

const NEURONS = ['f1', 'f2', 'hub', 's1', 's2'];
const SEED = 1;

export async function stgDemo(opts: StgDemoOptions): Promise<StgDemoResult> {
  const info = models.get('stg');
  const defaultOf = (name: string) => info.params.find((p) => p.name === name)!.value;
  const z = [[opts.gEl ?? defaultOf('g_el'), opts.gSynA ?? defaultOf('g_synA')]];
  const r = await simulate('stg', z, {
    trials: 1,
    seed: SEED,
    device: opts.device ?? 'auto',
    trajectories: { stride: 1 },
  });

  const frequencies: Record<string, number> = {};
  info.stats.forEach((name, i) => {
    frequencies[name] = r.stats[i];
  });

  const { recorded, state } = r.shape;
  const time = Float64Array.from({ length: recorded }, (_, n) => n * r.sampleInterval!);
  const series = NEURONS.map((neuron) => {
    const column = info.state.indexOf(`V_${neuron}`);
    const mV = Float64Array.from({ length: recorded }, (_, n) => 1e3 * r.trajectories![n * state + column]);
    return { name: `${neuron} (${frequencies[neuron].toFixed(3)} Hz)`, values: mV };
  });
  await writeLinePlot(opts.out, {
    x: time,
    series,
    title: `STG subcircuit, g_el = ${z[0][0]} nS, g_synA = ${z[0][1]} nS`,
    xLabel: 'time (s)',
    yLabel: 'membrane voltage (mV)',
  });
  return { frequencies, plot: opts.out };
}
