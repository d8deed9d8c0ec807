import type { Schema } from 'mongoose';

/** JSON of a document: `id` instead of `_id`, no `__v`. Private fields are removed per model. */
export function toJSONPlugin(schema: Schema): void {
  schema.set('toJSON', {
    versionKey: false,
    transform(_doc, ret: Record<string, unknown>) {
      if (ret._id !== undefined) ret.id = (ret._id as { toString(): string }).toString();
      delete ret._id;
      return ret;
    },
  });
}
