import { performanceProfile, propertyProfile, springsBack } from '../../lib/robustness';

const quad = { hessian: [[1, 0], [0, 2]] };

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('robustness input checks', () => {
  it('rejects directions of the wrong length, zero or non-finite directions, and unknown sources', async () => {
    expect(await code(performanceProfile(quad, { tolerance: 1, directions: [[1, 0, 0]] }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await code(performanceProfile(quad, { tolerance: 1, directions: [[0, 0]] }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await code(performanceProfile(quad, { tolerance: 1, directions: [[NaN, 1]] }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await code(propertyProfile('lds2d', { directions: [[1, 0]] }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await code(propertyProfile('lds2d', { directions: { kind: 'bogus' } }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await code(springsBack('lds2d', { tolerance: 0.1, directions: [[1, 0, 0]] }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await code(springsBack('lds2d', { tolerance: 0.1, directions: [[0, 0]] }))).toBe('ERR_INVALID_ARG_VALUE');
  });

  it('rejects negative or zero tolerances and amounts', async () => {
    expect(await code(performanceProfile(quad, { tolerance: -1 }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await code(performanceProfile(quad, { tolerance: 0 }))).toBe('ERR_INVALID_ARG_VALUE');
    const property = { stats: ['realLambda1'], mean: [0], tolerance: [-0.25] };
    expect(await code(propertyProfile('lds2d', { property }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await code(springsBack('lds2d', { tolerance: -0.1 }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await code(springsBack('lds2d', { tolerance: 0.1, amounts: [-1] }))).toBe('ERR_INVALID_ARG_VALUE');
  });

  it('rejects unknown models, models whose state cannot be set, and unknown options', async () => {
    expect(await code(propertyProfile('nosuch'))).toBe('ERR_UNKNOWN_MODEL');
    expect(await code(springsBack('nosuch', { tolerance: 0.1 }))).toBe('ERR_UNKNOWN_MODEL');
    await expect(springsBack('rnn2', { tolerance: 0.1 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('no dynamics'),
    });
    expect(await code(propertyProfile('lds2d', { stepp: 1 } as never))).toBe('ERR_UNKNOWN_OPTION');
    expect(await code(performanceProfile(quad, { tolerance: 1, fdstep: 1e-3 } as never))).toBe('ERR_UNKNOWN_OPTION');
    expect(await code(propertyProfile('lds2d', { property: { stats: ['nope'], mean: [0], tolerance: [1] } }))).toBe('ERR_INVALID_ARG_VALUE');
  });

  it('refuses a base point where the property does not hold, or outside the support', async () => {
    await expect(propertyProfile('lds2d', { z: [1, 2 * Math.PI, -2 * Math.PI, 0] })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE', details: { worst: 'realLambda1' },
    });
    expect(await code(propertyProfile('lds2d', { z: [11, 0, 0, 0] }))).toBe('ERR_OUT_OF_BOUNDS');
  });

  it('wraps a performance function that throws or returns no number', async () => {
    const throws = () => {
      throw new Error('boom');
    };
    await expect(performanceProfile(throws, { tolerance: 1, z: [0], directions: 'axes' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('boom'),
    });
    expect(await code(performanceProfile((() => 'x') as never, { tolerance: 1, z: [0], directions: 'axes' }))).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('stops with ABORT_ERR when aborted', async () => {
    const c = new AbortController();
    c.abort();
    expect(await code(propertyProfile('lds2d', { directions: 'axes', signal: c.signal }))).toBe('ABORT_ERR');
  });
});
