/**
 * The composition root of the hooks (shared/hooks.ts): which module answers each call a lower module
 * makes upwards. app.ts, server.ts and cli.ts take them from here; nothing inside a module does.
 */
import { correctedCases, linkGuestCases, recomputeCalendarClocks } from './cases/index.js';
import { findSimilarOpenCases, followCase, forgetAnonymisedCase, queueForRecurrence } from './recurring/index.js';
import type { Hooks } from './shared/hooks.js';

export function wireHooks(): Hooks {
  return {
    caseRouted: queueForRecurrence,
    caseAnonymised: forgetAnonymisedCase,
    similarOpenCases: findSimilarOpenCases,
    followCase,
    emailVerified: linkGuestCases,
    calendarChanged: recomputeCalendarClocks,
    correctedCases,
  };
}
