/**
 * Langevin dynamics on parameters and escape over saddles: the public surface of lib/langevin.
 * @packageDocumentation
 */
export { langevin } from './langevin';
export type { LangevinOptions, DiffusionForm, DiffusionFunction, BallTarget, BasinTarget, PassagePredicate } from './options';
export type { LangevinResult } from './result';
export {
  mullerBrownEnergy,
  curvedDoubleWellEnergy,
  quadraticEnergy,
  networkLossEnergy,
  logDensityEnergy,
  isBuiltinEnergy,
} from './energies';
export type { BuiltinEnergy, NetworkEnergyOptions, LogDensity } from './energies';
export { hessianAt, locateStationary, classifyStationary, strictSaddleTest, energyAt } from './stationary';
export type { HessianOptions, LocateOptions, Located, StationaryKind, StationaryPoint, ClassifyOptions, StrictSaddleReport } from './stationary';
export { kramersLanger } from './kramers';
export type { KramersLanger, KramersOptions } from './kramers';
export { escapeTimes, findSaddle } from './escape';
export type { EscapeOptions, EscapeAtTemperature, EscapeResult, SaddleOptions, SaddleSearch } from './escape';
