/**
 * Deliberate scans the query-plan check (./query-plans.ts) lets through: each names its collection
 * and the src/ function that sends it, why a scan is right there, and how much it reads.
 */
import type { AllowedScan } from './query-plans.js';

export const ALLOWED_SCANS: readonly AllowedScan[] = [
  {
    collection: 'calendars',
    site: 'src/sla/calendar.service.ts:calendarsToRecompute',
    reason: 'the SLA sweep looks at every working calendar for one whose deadlines need recomputing',
    bound: 'one document per calendar: a handful per deployment (BH, AE, AE-SHJ)',
  },
];
