/**
 * Isomorphic library of the IBM MQ certificate plugins: entity annotations,
 * MQ naming rules, maintenance windows, rotation policy, permissions and API
 * types.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './naming';
export * from './entity';
export * from './maintenanceWindow';
export {
  validateTimeZone,
  wallClockToInstant,
  type WallClockResolution,
} from './timeZones';
export * from './policy';
export * from './serial';
export * from './permissions';
export * from './api';
export type { InstantInput } from './instant';
