/**
 * Reference data: deployment profiles, agencies (municipalities and national), areas, categories.
 * Every document belongs to a profile (`bh`, later `shj`...), so a second deployment is data, not code.
 * Codes are the contract with the outside world (routing, imports, Open311 `service_code`).
 */
import { Schema, model, type InferSchemaType } from 'mongoose';
import { toJSONPlugin } from '../shared/mongoose-plugins.js';

const code = { type: String, required: true, match: /^[A-Z][A-Z0-9_]{0,63}$/ };
const names = {
  name_ar: { type: String, required: true, trim: true },
  name_en: { type: String, required: true, trim: true },
};

const profileSchema = new Schema(
  {
    code: { type: String, required: true, match: /^[a-z][a-z0-9-]{0,31}$/ },
    country: { type: String, required: true },
    timezone: { type: String, required: true },
    calendar: { type: String, required: true },
    weekend: { type: [String], required: true },
    categoryGroups: { type: [{ code: String, name_ar: String, name_en: String, _id: false }], required: true },
    bounds: {
      type: new Schema(
        {
          minLat: { type: Number, required: true },
          maxLat: { type: Number, required: true },
          minLng: { type: Number, required: true },
          maxLng: { type: Number, required: true },
        },
        { _id: false },
      ),
      required: true,
    },
    ...names,
  },
  { timestamps: true },
);
profileSchema.index({ code: 1 }, { unique: true });

const agencySchema = new Schema(
  {
    profile: { type: String, required: true },
    code,
    kind: { type: String, required: true, enum: ['municipality', 'national'] },
    ...names,
    active: { type: Boolean, required: true, default: true },
    /** Set when an administrator retires it (active false): old cases keep the code and its name. */
    retiredAt: { type: Date },
  },
  { timestamps: true },
);
agencySchema.index({ profile: 1, code: 1 }, { unique: true });

const areaSchema = new Schema(
  {
    profile: { type: String, required: true },
    code,
    /** Code of the municipality (an agency of kind `municipality`) that holds the area. */
    municipality: { type: String, required: true },
    ...names,
    active: { type: Boolean, required: true, default: true },
    retiredAt: { type: Date },
  },
  { timestamps: true },
);
areaSchema.index({ profile: 1, code: 1 }, { unique: true });

const categorySchema = new Schema(
  {
    profile: { type: String, required: true },
    code,
    /** An agency code, or `MUNICIPALITY`: the municipality that holds the case's area owns it. */
    owner: { type: String, required: true },
    /** The plain-words group the citizen picks it from (code of one of the profile's categoryGroups). */
    group: { type: String, required: true },
    ...names,
    active: { type: Boolean, required: true, default: true },
    retiredAt: { type: Date },
    /** Optional validity window (e.g. an election period): offered and accepted only from validFrom until validUntil. */
    validFrom: { type: Date },
    validUntil: { type: Date },
  },
  { timestamps: true },
);
categorySchema.index({ profile: 1, code: 1 }, { unique: true });

for (const schema of [profileSchema, agencySchema, areaSchema, categorySchema]) schema.plugin(toJSONPlugin);

export type Profile = InferSchemaType<typeof profileSchema>;
export type Agency = InferSchemaType<typeof agencySchema>;
export type Area = InferSchemaType<typeof areaSchema>;
export type Category = InferSchemaType<typeof categorySchema>;

export const ProfileModel = model('Profile', profileSchema);
export const AgencyModel = model('Agency', agencySchema);
export const AreaModel = model('Area', areaSchema);
export const CategoryModel = model('Category', categorySchema);

/** The owner value that means "the municipality of the case's area". */
export const MUNICIPALITY_OWNER = 'MUNICIPALITY';
