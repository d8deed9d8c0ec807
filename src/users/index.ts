/**
 * The users module: accounts, roles, tokens and sign-in. Other modules use the guards and the
 * Principal; the routers are mounted by app.ts.
 */
export { ROLES, AGENCY_ROLES, STAFF_ROLES, isStaff, type Role, type Principal } from '../shared/principal.js';
export { authenticate, requireAuth, requireRole, principalOf, type AuthenticateOptions } from './auth.middleware.js';
export { authApiRouter, createAuthLimits, type AuthLimits } from './auth.routes.js';
export { authPagesRouter } from './auth.pages.js';
export { adminUsersRouter } from './admin.routes.js';
export { citizenAccount, disableAndSignOut, emptyClosedAccount } from './account-closing.js';
export { signIn, startSession, refreshSession, signOut, userView, type Session, type UserView } from './auth.service.js';
export { registerCitizen, openVerification, completeVerification, purgeExpiredEmailVerifications, VERIFICATION_TTL_MS, type RegisterInput } from './account.service.js';
export { createUser, disableUser, endAllSessions, normaliseEmail, isPendingSignUp, type CreateUserInput, type CreateUserResult } from './user.service.js';
export {
  issueAccessToken,
  verifyAccessToken,
  principalFromAccessToken,
  principalFromUser,
  tokenSettings,
  ACCESS_TOKEN_TTL_SECONDS,
  TOKEN_AUDIENCE,
  type TokenSettings,
} from './tokens.js';
export { issueRefreshToken, rotateRefreshToken, revokeFamily, purgeExpiredRefreshTokens, REFRESH_TOKEN_TTL_MS } from './refresh-tokens.js';
export { hashPassword, passwordMatches, MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH } from './passwords.js';
export { sessionCookieNames, clearSessionCookies } from './session-cookies.js';
export { findStaffMember, staffToNotify, type StaffMatch, type StaffRecipient } from './staff.js';
export { UserModel, type UserDoc } from './user.model.js';
export { RefreshTokenModel } from './refresh-token.model.js';
export { EmailVerificationModel } from './email-verification.model.js';
export { usersRouters } from './routers.js';
