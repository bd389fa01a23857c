import { backends, resolveDevice, simulate } from '../../lib';

describe('backends', () => {
  const b = backends();

  it('always has the CPU', () => {
    expect(b.cpu).toMatchObject({ compiled: true, available: true });
    expect(b.cpu.threads).toBeGreaterThanOrEqual(1);
  });

  it('says why CUDA is unavailable when it is', () => {
    if (b.cuda.available) {
      expect(b.cuda.devices.length).toBeGreaterThan(0);
    } else {
      expect(typeof b.cuda.reason).toBe('string');
      expect(b.cuda.reason!.length).toBeGreaterThan(0);
    }
  });

  it("falls back from 'auto' to the CPU with the reason, and refuses 'cuda' without a GPU", async () => {
    if (b.cuda.available) {
      expect(resolveDevice('auto')).toEqual({ device: 'cuda' });
      return;
    }
    const r = await simulate('ou', [[1, 0, 1]], { device: 'auto' });
    expect(r.device).toBe('cpu');
    expect(r.deviceReason).toEqual(expect.any(String));
    await expect(simulate('ou', [[1, 0, 1]], { device: 'cuda' })).rejects.toMatchObject({
      code: 'ERR_CUDA_UNAVAILABLE',
      message: expect.stringContaining(b.cuda.compiled ? 'no usable GPU' : 'CUDA'),
    });
  });
});
