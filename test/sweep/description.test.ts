import { expandSweep } from '../../lib/sweep';
import { arraySpec } from '../../lib/sweep/slurm';
import { EPI_SETTINGS, seedsSweep } from './helpers';

describe('sweep descriptions', () => {
  it('expand a grid in sorted-key order, with ids that depend on content only', () => {
    const plan = expandSweep({
      name: 'grid',
      groups: [{ kind: 'epi', settings: EPI_SETTINGS, grid: { seed: [1, 2], c0: [1, 10] } }],
    });
    expect(plan.tasks.map((t) => [t.settings.c0, t.settings.seed])).toEqual([[1, 1], [1, 2], [10, 1], [10, 2]]);
    expect(plan.tasks.map((t) => t.index)).toEqual([0, 1, 2, 3]);
    expect(new Set(plan.tasks.map((t) => t.id)).size).toBe(4);
    plan.tasks.forEach((t) => expect(t.id).toMatch(/^[0-9a-f]{16}$/));
    // The same content written with its keys in another order is the same sweep, task for task.
    const reordered = expandSweep({
      groups: [{ grid: { c0: [1, 10], seed: [1, 2] }, settings: Object.fromEntries(Object.entries(EPI_SETTINGS).reverse()), kind: 'epi' }],
      name: 'grid',
    });
    expect(reordered.tasks.map((t) => t.id)).toEqual(plan.tasks.map((t) => t.id));
    expect(reordered.hash).toBe(plan.hash);
    // A task's id does not depend on the rest of the sweep.
    const one = expandSweep({ groups: [{ kind: 'epi', settings: { ...EPI_SETTINGS, c0: 10, seed: 2 } }] });
    expect(one.tasks[0].id).toBe(plan.tasks[3].id);
    expect(one.name).toBe(`sweep-${one.hash.slice(0, 8)}`);
  });

  it('refuse unknown models, kinds and keys, empty grids, twin tasks and bad resources, with codes', () => {
    const group = { kind: 'epi', settings: EPI_SETTINGS };
    expect(() => expandSweep({ groups: [{ ...group, grid: { model: ['lds2d', 'nope'] } }] })).toThrow(
      expect.objectContaining({ code: 'ERR_UNKNOWN_MODEL', message: expect.stringMatching(/groups\[0\], task 1 .*unknown model 'nope'/) }),
    );
    expect(() => expandSweep({ groups: [{ ...group, kind: 'fitt' }] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/unknown task kind 'fitt'; known: epi/) }));
    expect(() => expandSweep({ groups: [{ ...group, settings: { ...EPI_SETTINGS, batchSize: 3 } }] })).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_OPTION' }));
    expect(() => expandSweep({ groups: [{ ...group, seeds: [1] }] })).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_OPTION' }));
    expect(() => expandSweep({ groups: [{ ...group, grid: { seed: [] } }] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/grid.seed must be a non-empty array/) }));
    expect(() => expandSweep({ groups: [{ ...group, grid: { seed: [1, 1] } }] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/tasks 0 and 1 are the same task/) }));
    expect(() => expandSweep({ groups: [] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => expandSweep({ ...seedsSweep('x'), slurm: { partition: 'gpu\n#SBATCH --x' } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => expandSweep({ ...seedsSweep('x'), slurm: { cpus: 0 } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => expandSweep({ ...seedsSweep('x'), name: 'a/b' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => expandSweep({ groups: [{ ...group, settings: { ...EPI_SETTINGS, c0: Infinity } }] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => expandSweep({ groups: [{ ...group, chunks: { total: 10, size: 5 } }] })).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_OPTION', message: expect.stringMatching(/unknown epi task setting 'chunk'/) }));
    // Values that epi() itself checks are its task's to fail, with epi's code (see local.test.ts).
    expect(expandSweep({ groups: [{ ...group, settings: { ...EPI_SETTINGS, batch: 2 } }] }).tasks).toHaveLength(1);
  });

  it('write Slurm array specs as ranges', () => {
    expect(arraySpec([9, 0, 1, 2, 3, 5, 7, 8])).toBe('0-3,5,7-9');
    expect(arraySpec([4])).toBe('4');
  });
});
