export { AuditModel, AUDIT_ACTIONS, type AuditAction } from './audit.model.js';
export { recordAudit, listAudit, type AuditRecord } from './audit.service.js';
export { auditRouter } from './audit.routes.js';
export { auditRouters } from './routers.js';
