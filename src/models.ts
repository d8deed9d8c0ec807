/**
 * Importing a model file registers it with Mongoose. This list is where every model is named,
 * so that server, CLI and tests build the same indexes (ensureIndexes walks mongoose.modelNames()).
 * It is the one file outside a module allowed to import model files directly
 * (.dependency-cruiser.cjs); test/unit/models.test.ts checks that no model is missing from it.
 */
import './audit/audit.model.js';
import './cases/attachment-slot.model.js';
import './cases/case.model.js';
import './cases/meeting.model.js';
import './classification/classifier.model.js';
import './directory/directory-change.model.js';
import './directory/directory.model.js';
import './notifications/outbox.model.js';
import './recurring/recurring.model.js';
// Shared mechanisms keep their own small store beside the code that uses it.
import './shared/claims.js';
import './shared/idempotency.model.js';
import './shared/jobs.js';
import './shared/rate-limit.js';
import './sla/calendar.model.js';
import './sla/policy.model.js';
import './users/email-verification.model.js';
import './users/refresh-token.model.js';
import './users/user.model.js';

/** Registers every model with Mongoose, before indexes are built (runtime.ts, the test setup). */
export function registerModels(): void {
  // The imports above do the work; this function makes the dependency explicit at call sites.
}
