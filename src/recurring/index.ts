/**
 * Recurring issues (the module's public face): detection as cases get their category, the review
 * of flagged issues by agencies, and the look-alike search citizens see before they file. It sits
 * above cases: cases reach it only through the hooks (shared/hooks.ts) that src/wiring.ts fills
 * from here, and it reads and writes cases only through the cases face.
 */
export { recurringApiRouter, recurringRulesRouter, similarCasesRouter, followRouter } from './recurring.routes.js';
export { recurringPagesRouter } from './recurring.pages.js';
export { runRecurrenceTurn, REQUEUE_LOOKBACK_DAYS, type RecurrenceTurn } from './schedule.js';
export { forgetAnonymisedCase } from './forget.js';
export { queueForRecurrence, requeueMissed, type CaseToDetect } from './queue.js';
export { detectRecurrences, resolveQuietIssues, rebuildAndCompare, type DetectOptions, type DetectResult, type RebuildReport } from './detection.service.js';
export { findSimilarOpenCases, followCase, type SimilarInput, type SimilarAnswer } from './similar.service.js';
export { DEFAULT_RULES, type RecurrenceRules } from './grouping.js';
export { ISSUE_STATUSES, ISSUE_ACTIONS, type IssueStatus, type IssueAction } from './review.js';
export { RecurrenceItemModel, RecurrenceLogModel, RecurrenceQueueModel, RecurringIssueModel, type RecurringIssueDoc } from './recurring.model.js';
export { recurringRouters } from './routers.js';
