/**
 * Who to tell in an agency: the staff accounts other modules write to (recurring-issue alerts), so
 * that they ask the users module rather than read the user collection themselves.
 */
import type { Types } from 'mongoose';
import { UserModel } from './user.model.js';

/** The agency's supervisors whose accounts are not disabled, with the address and language to write to. */
export async function activeSupervisorsOf(agency: string): Promise<{ _id: Types.ObjectId; email: string; language?: string | null }[]> {
  return UserModel.find({ role: 'supervisor', agency, disabledAt: null }).select({ email: 1, language: 1 }).lean();
}
