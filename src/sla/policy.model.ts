import { Schema, model } from 'mongoose';

/**
 * An SLA policy row (./policy.ts says how rows combine). Edited by administrators; a case stores the
 * targets it was given when its clock started, so editing a policy changes cases filed afterwards.
 */
const targetSchema = new Schema({ workingDays: Number, workingHours: Number }, { _id: false });

const policySchema = new Schema({
  profile: { type: String, required: true },
  name: { type: String, required: true },
  match: { type: new Schema({ agency: String, category: String, type: String, priority: String }, { _id: false }), required: true },
  firstResponse: { type: targetSchema },
  resolution: { type: targetSchema },
  managersAfter: { type: targetSchema },
  calendar: { type: String },
  restartOnTransfer: { type: Boolean },
  headContact: { type: new Schema({ name: String, email: String, language: String }, { _id: false }) },
  videoLink: { type: String },
  updatedBy: { type: new Schema({ userId: String, name: String }, { _id: false }) },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
});
policySchema.index({ profile: 1, 'match.agency': 1 });
policySchema.index({ profile: 1, _id: 1 }); // the policy list, in the order written

export const SlaPolicyModel = model('SlaPolicy', policySchema, 'sla_policies');
