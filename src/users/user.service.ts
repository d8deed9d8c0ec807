/**
 * Accounts made by someone else: staff (and citizens) created by an administrator or the CLI, and
 * disabling an account. Created accounts count as verified: whoever created them vouches for the
 * address. Creation is idempotent on email: an existing account is reported and left unchanged, so
 * that re-running a provisioning script never resets a password its owner has since changed.
 * A citizen sign-up that was never verified is not an account and never blocks creation: its links
 * stop working (and an unverified account an older sign-up stored is replaced).
 */
import { AgencyModel, findAgency } from '../directory/index.js';
import { isDuplicateKeyError } from '../shared/db/connect.js';
import { NotFoundError, ValidationError, type ErrorDetail } from '../shared/errors.js';
import { EmailVerificationModel } from './email-verification.model.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import { AGENCY_ROLES, ROLES, type Role } from '../shared/principal.js';
import { revokeAllFamiliesOf } from './refresh-tokens.js';
import { UserModel, type UserDoc } from './user.model.js';

export interface CreateUserInput {
  email: string;
  password: string;
  role: string;
  agency?: string;
  name?: string;
  language?: 'ar' | 'en';
  /** Supervisors only: also route the triage queue. */
  triage?: boolean;
}

export interface CreateUserContext {
  profile: string;
  now: Date;
}

export interface CreateUserResult {
  status: 'created' | 'exists';
  user: UserDoc;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Every problem with the input at once, in English (the CLI and the admin API show them). */
async function checkNewUser(input: CreateUserInput, profile: string): Promise<ErrorDetail[]> {
  const problems: ErrorDetail[] = [];
  const email = normaliseEmail(input.email);
  if (!EMAIL.test(email) || email.length > 254) problems.push({ field: 'email', code: 'string.email', message: `"${input.email}" is not an email address.` });
  if (input.password.length < MIN_PASSWORD_LENGTH) problems.push({ field: 'password', code: 'string.min', message: `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.` });
  if (!(ROLES as readonly string[]).includes(input.role)) {
    problems.push({ field: 'role', code: 'any.only', message: `Unknown role "${input.role}": choose one of ${ROLES.join(', ')}.` });
    return problems;
  }
  const role = input.role as Role;
  if (AGENCY_ROLES.includes(role)) {
    if (!input.agency) problems.push({ field: 'agency', code: 'AGENCY_REQUIRED', message: `The role ${role} belongs to one agency: give its code with --agency.` });
    else if (!(await findAgency(profile, input.agency))) {
      const known = (await AgencyModel.find({ profile }).sort({ code: 1 }).lean()).map((a) => a.code);
      problems.push({ field: 'agency', code: 'UNKNOWN_AGENCY', message: `No agency with the code "${input.agency}" in the profile ${profile}. Known codes: ${known.join(', ') || 'none (is the directory seeded?)'}.` });
    }
  } else if (input.agency) {
    problems.push({ field: 'agency', code: 'AGENCY_NOT_ALLOWED', message: `The role ${role} is not bound to an agency: leave out --agency.` });
  }
  return problems;
}

/**
 * A citizen account stored unverified, as sign-ups did before the password moved to the link's page
 * (account.service.ts). It does not take the address: a staff account replaces it, a completed
 * verification takes it over with the verifier's password, and it is purged 48 hours after it was made.
 */
export function isPendingSignUp(user: Pick<UserDoc, 'role' | 'emailVerifiedAt' | 'disabledAt'>): boolean {
  return user.role === 'citizen' && !user.emailVerifiedAt && !user.disabledAt;
}

export async function createUser(input: CreateUserInput, ctx: CreateUserContext): Promise<CreateUserResult> {
  const problems = await checkNewUser(input, ctx.profile);
  if (problems.length) throw new ValidationError(problems, problems.map((p) => p.message).join(' '));
  const email = normaliseEmail(input.email);
  const existing = await UserModel.findOne({ email }).lean<UserDoc>();
  if (existing && !isPendingSignUp(existing)) return { status: 'exists', user: existing };
  if (existing) await UserModel.deleteOne({ _id: existing._id, emailVerifiedAt: null, disabledAt: null });
  const user = new UserModel({
    email,
    passwordHash: await hashPassword(input.password),
    role: input.role,
    agency: input.agency || undefined,
    triage: input.role === 'supervisor' && input.triage ? true : undefined,
    name: input.name?.trim() || email.split('@')[0],
    language: input.language ?? 'ar',
    emailVerifiedAt: ctx.now,
    tokenVersion: 0,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  });
  try {
    await user.save({ timestamps: false });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    const raced = await UserModel.findOne({ email }).lean<UserDoc>();
    if (!raced) throw err;
    return { status: 'exists', user: raced };
  }
  // The address's pending sign-ups end: their links would otherwise meet an account they did not make.
  await EmailVerificationModel.updateMany({ email, usedAt: null }, { $set: { usedAt: ctx.now } });
  return { status: 'created', user: user.toObject() };
}

/**
 * Disables an account and ends its sessions: the tokenVersion bump invalidates every access token
 * at its next use, and the refresh families are revoked so no new ones can be had.
 */
export async function disableUser(emailInput: string, now: Date): Promise<{ user: UserDoc; alreadyDisabled: boolean }> {
  const email = normaliseEmail(emailInput);
  const user = await UserModel.findOne({ email }).lean<UserDoc>();
  if (!user) throw new NotFoundError('USER_NOT_FOUND', `No account with the email ${email}.`);
  await UserModel.updateOne(
    { _id: user._id },
    { $set: { updatedAt: now, ...(user.disabledAt ? {} : { disabledAt: now }) }, $inc: { tokenVersion: 1 } },
    { timestamps: false },
  );
  await revokeAllFamiliesOf(user._id, now);
  const updated = await UserModel.findById(user._id).lean<UserDoc>();
  return { user: updated ?? user, alreadyDisabled: !!user.disabledAt };
}

/** Ends every session of an account (e.g. after a password change) without disabling it. */
export async function endAllSessions(userId: UserDoc['_id'], now: Date): Promise<void> {
  await UserModel.updateOne({ _id: userId }, { $inc: { tokenVersion: 1 }, $set: { updatedAt: now } }, { timestamps: false });
  await revokeAllFamiliesOf(userId, now);
}
