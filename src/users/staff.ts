/**
 * Who to email about a case: the active (not disabled) staff accounts with the given roles, of one
 * agency or one account when asked, each with the language they read their email in. Other modules
 * ask here rather than reading the user collection (the SLA escalation sweep, for one).
 */
import type { Types } from 'mongoose';
import { oneOf } from '../shared/db/operators.js';
import type { Role } from '../shared/principal.js';
import { UserModel } from './user.model.js';

export interface StaffRecipient {
  /** The account's id (hex). */
  id: string;
  email: string;
  language: 'ar' | 'en';
}

export interface StaffMatch {
  roles: readonly Role[];
  /** Only this agency's staff (the key present with null or undefined matches it as given). */
  agency?: string | null;
  /** Only this account. */
  userId?: Types.ObjectId | string;
}

/** The active accounts matching `match`, as email recipients. */
export async function staffToNotify(match: StaffMatch): Promise<StaffRecipient[]> {
  const filter: Record<string, unknown> = {};
  if (match.userId !== undefined) filter._id = match.userId;
  filter.role = match.roles.length === 1 ? match.roles[0] : oneOf(match.roles);
  if ('agency' in match) filter.agency = match.agency;
  const users = await UserModel.find({ ...filter, disabledAt: null }).select({ email: 1, language: 1 }).lean();
  return users.map((u) => ({ id: u._id.toHexString(), email: u.email, language: u.language === 'en' ? 'en' : 'ar' }));
}

/** A staff account by id, as assignment needs it; null for anything that is not one. */
export async function findStaffMember(id: string): Promise<{ id: string; name: string; role: string; agency: string | null; disabled: boolean } | null> {
  if (!/^[0-9a-f]{24}$/.test(id)) return null;
  const user = await UserModel.findById(id).lean();
  return user ? { id: user._id.toHexString(), name: user.name, role: user.role, agency: user.agency ?? null, disabled: !!user.disabledAt } : null;
}
