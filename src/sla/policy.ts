/**
 * SLA targets. Until policies per agency / category / type / priority are data (the SLA issue's
 * next step), the national default applies: Bahrain's Tawasul target of 14 working days to
 * resolve, and a first response within 2 working days.
 */
export interface SlaTargets {
  firstResponse: { workingDays: number };
  resolution: { workingDays: number };
}

export const NATIONAL_DEFAULT: SlaTargets = Object.freeze({ firstResponse: { workingDays: 2 }, resolution: { workingDays: 14 } });
