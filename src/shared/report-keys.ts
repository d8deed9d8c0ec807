import { DateTime } from 'luxon';

export interface ReportKeys {
  dayKey: string; // 2026-11-23
  weekKey: string; // 2026-W48 (ISO week)
  monthKey: string; // 2026-11
}

/**
 * Keys that reports group by, computed when a case is written, in the deployment's time zone, so
 * that reports are `$match` + `$group` + `$sum` on both database engines (docs/database.md).
 */
export function reportKeys(at: Date, timezone: string): ReportKeys {
  const local = DateTime.fromJSDate(at, { zone: timezone });
  if (!local.isValid) throw new Error(`Invalid time zone ${timezone}`);
  return {
    dayKey: local.toFormat('yyyy-MM-dd'),
    weekKey: `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`,
    monthKey: local.toFormat('yyyy-MM'),
  };
}
