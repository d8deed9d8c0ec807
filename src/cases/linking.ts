/**
 * Guest cases and accounts: cases filed signed out with an address become the citizen's once the
 * account has verified that address. Users calls this through the `emailVerified` hook (at
 * verification and at each sign-in, so cases filed signed out later are picked up too): users sits
 * below cases and never imports it.
 */
import type { Types } from 'mongoose';
import type { Role } from '../shared/principal.js';
import { CaseModel } from './case.model.js';

/**
 * Cases filed as a guest with the account's (verified) email become the citizen's; returns how many.
 * `citizenId: null` matches "not set" on MongoDB and FerretDB alike, without an operator.
 */
export async function linkGuestCases(user: { _id: Types.ObjectId; email: string; role: Role; emailVerifiedAt?: Date | null }): Promise<number> {
  if (user.role !== 'citizen' || !user.emailVerifiedAt) return 0;
  // Not an event of the case (no history entry, updatedAt unchanged): only who may see it changes.
  const result = await CaseModel.updateMany({ contactEmail: user.email, citizenId: null }, { $set: { citizenId: user._id } }, { timestamps: false });
  return result.modifiedCount;
}
