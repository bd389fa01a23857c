/**
 * Sloppiness analysis: Gram products and Fisher spectra.
 * @packageDocumentation
 */
export { gram, spectrum } from './gram';
export type { FisherSpectrum, GramOptions, GramResult } from './gram';
