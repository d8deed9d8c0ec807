/**
 * An account. Citizens register themselves (and verify their email); staff accounts are created by
 * an administrator or the CLI. `tokenVersion` is in every access token: bumping it ends every
 * session of the account at once (disabling, "sign out everywhere", a role change).
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { AGENCY_ROLES, ROLES } from '../shared/principal.js';

const userSchema = new Schema(
  {
    /** Stored lower-case: the unique index is then case-insensitive in effect. */
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 254 },
    /** argon2id PHC string (passwords.ts). Never leaves the server: see toJSON below. */
    passwordHash: { type: String, required: true },
    role: { type: String, required: true, enum: ROLES },
    /** Agency code of the deployment profile: required for officers and supervisors, absent otherwise. */
    agency: { type: String },
    name: { type: String, required: true, trim: true, maxlength: 100 },
    language: { type: String, required: true, enum: ['ar', 'en'], default: 'ar' },
    emailVerifiedAt: { type: Date },
    disabledAt: { type: Date },
    /** A citizen closed the account (privacy/me.service.ts): name, email and password are gone, it stays disabled. */
    closedAt: { type: Date },
    tokenVersion: { type: Number, required: true, default: 0 },
    /** A supervisor with triage rights also sees and routes the triage queue (cases without an agency). */
    triage: { type: Boolean },
  },
  // createdAt and updatedAt are written from the injected clock by the services.
  { timestamps: true },
);
userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ role: 1, agency: 1, _id: 1 });
// The officers a supervisor can assign to, by name.
userSchema.index({ agency: 1, role: 1, disabledAt: 1, name: 1, _id: 1 });

// The existence of the agency is checked by the service (it needs the directory); its presence here.
userSchema.pre('validate', function () {
  const needsAgency = AGENCY_ROLES.includes(this.role);
  if (needsAgency && !this.agency) this.invalidate('agency', `the role ${this.role} needs an agency`, this.agency, 'AGENCY_REQUIRED');
  if (!needsAgency && this.agency) this.invalidate('agency', `the role ${this.role} has no agency`, this.agency, 'AGENCY_NOT_ALLOWED');
});

userSchema.set('toJSON', {
  versionKey: false,
  transform(_doc, ret: Record<string, unknown>) {
    delete ret.passwordHash;
    delete ret.tokenVersion;
    if (ret._id !== undefined) ret.id = (ret._id as Types.ObjectId).toString();
    delete ret._id;
    return ret;
  },
});

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export const UserModel = model('User', userSchema);
