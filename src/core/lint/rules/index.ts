// Every rule the engine runs, in reporting order. Rule ids are stable: settings, suppression
// comments and CI scripts refer to them.
import type { Rule } from '../rule';
import { ADVANCED_RULES } from './advanced';
import { BASIC_RULES } from './basic';
import { POSTURE_RULES } from './posture';
import { TRAIL_RULES } from './trail';

export const RULES: readonly Rule[] = [
  ...BASIC_RULES,
  ...ADVANCED_RULES,
  ...TRAIL_RULES,
  ...POSTURE_RULES,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.meta.id, r]));
