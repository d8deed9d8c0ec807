/**
 * The composition root of the hooks (shared/hooks.ts): which module answers each call a lower module
 * makes upwards. app.ts, server.ts and cli.ts take them from here; nothing inside a module does.
 */
import { linkGuestCases, recomputeCalendarClocks } from './cases/index.js';
import { correctedCases } from './classification/classifier.service.js';
import { queueForRecurrence } from './recurring/queue.js';
import { findSimilarOpenCases, followCase } from './recurring/similar.service.js';
import type { Hooks } from './shared/hooks.js';

export function wireHooks(): Hooks {
  return {
    caseRouted: queueForRecurrence,
    similarOpenCases: findSimilarOpenCases,
    followCase,
    emailVerified: linkGuestCases,
    calendarChanged: recomputeCalendarClocks,
    correctedCases,
  };
}
