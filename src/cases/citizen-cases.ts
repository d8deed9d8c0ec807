/**
 * The cases of one citizen, for their rights over their data (privacy/): the cases they filed, the
 * cases of others they follow, and forgetting them as a follower when the account closes.
 */
import type { Types } from 'mongoose';
import { CaseModel, type CaseDoc } from './case.model.js';

/** Their cases, newest first (index: citizenId). Guest cases are linked first by the caller (linking.ts). */
export async function casesOfCitizen(userId: Types.ObjectId): Promise<CaseDoc[]> {
  return CaseModel.find({ citizenId: userId }).sort({ createdAt: -1, _id: -1 }).lean<CaseDoc[]>();
}

/** Cases of others they follow, newest first: only what the public may know of them. */
export async function casesFollowedBy(userId: Types.ObjectId): Promise<Pick<CaseDoc, '_id' | 'reference' | 'type' | 'status' | 'category' | 'area' | 'agency'>[]> {
  return CaseModel.find({ followers: userId }).sort({ createdAt: -1, _id: -1 }).select({ reference: 1, type: 1, status: 1, category: 1, area: 1, agency: 1 }).lean<CaseDoc[]>();
}

/** They follow no case any more (the case is not changed otherwise: no history entry, updatedAt kept). */
export async function forgetFollower(userId: Types.ObjectId): Promise<void> {
  await CaseModel.updateMany({ followers: userId }, { $pull: { followers: userId } }, { timestamps: false });
}
