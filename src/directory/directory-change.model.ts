/**
 * The directory's change history: one document per administrator's edit (editing.service.ts), with
 * who made it, when, and each field's value before and after. Written once, never updated.
 */
import { Schema, model, type InferSchemaType } from 'mongoose';
import { toJSONPlugin } from '../shared/mongoose-plugins.js';

export const DIRECTORY_ENTITIES = ['agency', 'municipality', 'area', 'category'] as const;
export type DirectoryEntity = (typeof DIRECTORY_ENTITIES)[number];

const directoryChangeSchema = new Schema(
  {
    profile: { type: String, required: true },
    at: { type: Date, required: true },
    actor: {
      type: new Schema({ userId: { type: String, required: true }, name: { type: String, required: true }, role: { type: String, required: true } }, { _id: false }),
      required: true,
    },
    entity: { type: String, required: true, enum: DIRECTORY_ENTITIES },
    code: { type: String, required: true },
    action: { type: String, required: true, enum: ['created', 'updated'] },
    /** Each changed field: `from` is null for a created entry. Dates as ISO text. */
    changes: {
      type: [new Schema({ field: { type: String, required: true }, from: { type: Schema.Types.Mixed }, to: { type: Schema.Types.Mixed } }, { _id: false })],
      required: true,
    },
  },
  { versionKey: false },
);
directoryChangeSchema.index({ profile: 1, at: -1, _id: -1 });
directoryChangeSchema.plugin(toJSONPlugin);

const refuse = function (): never {
  throw new Error('The directory change history is append-only.');
};
for (const op of ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete'] as const) {
  directoryChangeSchema.pre(op, refuse);
}

export type DirectoryChange = InferSchemaType<typeof directoryChangeSchema>;
export const DirectoryChangeModel = model('DirectoryChange', directoryChangeSchema);
