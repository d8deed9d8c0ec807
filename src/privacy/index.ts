/**
 * The privacy module: a citizen's rights over their own data (PDPL), over the users, cases and
 * audit faces: `/api/v1/me` downloads everything held about them and closes their account.
 */
export { meRouter } from './me.routes.js';
export { exportMyData, closeMyAccount, type DataExport, type CloseResult } from './me.service.js';
export { privacyRouters } from './routers.js';
