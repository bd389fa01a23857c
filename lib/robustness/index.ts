/**
 * Robustness (the "emergence of robustness" seed): how far an emergent property or a performance survives
 * pushes of the parameters, set against the curvature spectrum, and how fast a circuit's state springs back.
 * @packageDocumentation
 */
export { propertyProfile, performanceProfile } from './profiles';
export type { PerformanceProfileOptions, PropertyProfile, PropertyProfileOptions } from './profiles';
export type { DirectionProfile, ProfileOptions, RayResult, RobustnessProfile } from './profile';
export type { Direction, DirectionSource } from './directions';
export type { Performance, QuadraticPerformance } from './performance-target';
export type { RobustnessProperty, ResolvedProperty } from './property-target';
export type { CurvatureKind } from './target';
export { springsBack, returnTime } from './springs';
export type { Return, SpringsBackOptions, SpringsBackResult } from './springs';
export { pushBlocker } from './attractors';
export { renderRobustnessReport, writeRobustnessReport } from './report';
export type { RobustnessReportInput } from './report';
