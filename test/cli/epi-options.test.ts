import { epiOptionsFrom } from '../../lib/cli/epi';

describe('sloppy epi flags', () => {
  it('turn --batch-norm into the flow option and leave the flow alone without it', () => {
    expect(epiOptionsFrom({ 'batch-norm': true, epochs: 3 })).toEqual({ flow: { batchNorm: true }, epochs: 3 });
    expect(epiOptionsFrom({ epochs: 3 }).flow).toBeUndefined();
  });
});
