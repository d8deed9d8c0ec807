/**
 * Importing a model file registers it with Mongoose. This list is where every model is named,
 * so that server, CLI and tests build the same indexes.
 */
import './directory/directory.model.js';
import './notifications/outbox.model.js';
import './audit/audit.model.js';
import './cases/case.model.js';
import './shared/claims.js';
import './shared/idempotency.model.js';
import './shared/rate-limit.js';
import './sla/calendar.model.js';
import './users/models.js';

export function registerModels(): void {
  // The imports above do the work; this function makes the dependency explicit at call sites.
}
