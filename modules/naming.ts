import { createHash } from 'node:crypto';

/**
 * Joins name parts with "-" and keeps the result within an AWS name limit (64 for IAM roles and
 * policies). A name that is too long is cut and given a short hash of the full name, so it stays
 * unique and identical on every synth.
 */
export function boundedName(parts: readonly string[], maxLength = 64): string {
  const full = parts.filter(Boolean).join('-');
  if (full.length <= maxLength) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, maxLength - hash.length - 1).replace(/[-_.]+$/, '')}-${hash}`;
}
