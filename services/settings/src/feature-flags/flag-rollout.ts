import { createHash } from 'node:crypto';
import type { EvaluationReason, FeatureFlag } from './flag.ts';

/** Buckets per 1 %: a percentage p covers buckets [0, p × 100). */
const BUCKETS = 10_000;

/**
 * The subject's stable bucket for a flag, in [0, 10000): the first 4 bytes of
 * sha256(`${key}:${subject}`) read as a big-endian uint32, mod 10000. Keyed by the flag,
 * so one subject lands in unrelated buckets across flags.
 */
export function rolloutBucket(key: string, subject: string): number {
  return createHash('sha256').update(`${key}:${subject}`).digest().readUInt32BE(0) % BUCKETS;
}

/**
 * Whether a flag is on for a subject, and why. A disabled flag is off for everyone; then
 * the deny list beats the allow list, and the allow list beats the rollout.
 */
export function evaluateFlag(
  flag: Pick<FeatureFlag, 'key' | 'enabled' | 'rolloutPercentage' | 'allowList' | 'denyList'>,
  subject: string,
): { enabled: boolean; reason: EvaluationReason } {
  if (!flag.enabled) return { enabled: false, reason: 'flag_disabled' };
  if (flag.denyList.includes(subject)) return { enabled: false, reason: 'denied' };
  if (flag.allowList.includes(subject)) return { enabled: true, reason: 'allow_listed' };
  return rolloutBucket(flag.key, subject) < flag.rolloutPercentage * 100
    ? { enabled: true, reason: 'in_rollout' }
    : { enabled: false, reason: 'not_in_rollout' };
}
