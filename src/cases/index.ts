export { casesApiRouter, type CaseLimits } from './case.routes.js';
export { casePagesRouter } from './case.pages.js';
export { workspacePagesRouter } from './workspace.pages.js';
export { fileCase, DEFAULT_EXPECTED_WORKING_DAYS, type FiledCase, type IntakeContext } from './intake.service.js';
export { findVisibleCase, citizenView, addCitizenMessage, type CaseView, type Viewer } from './tracking.service.js';
export { CaseModel, CASE_TYPES, CHANNELS, CASE_STATUSES, OPEN_STATUSES, type CaseDoc, type CaseStatus } from './case.model.js';
export { routeByRule, type RoutingDecision } from './routing.js';
export { generateReference, normaliseReference, REFERENCE_PATTERN } from './reference.js';
export { closeAfterRatingWindow } from './workspace.service.js';
