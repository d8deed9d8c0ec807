/**
 * What text classification keeps in the database: imported history (labelled, resolved cases of the
 * past), the trained models (versioned, so every app instance uses the same one), and the keyword
 * rules administrators add per category.
 */
import { Schema, model } from 'mongoose';

/** One resolved case of the past, as imported from a history file (idempotent on `ref`). */
const historyCaseSchema = new Schema({
  profile: { type: String, required: true },
  ref: { type: String, required: true },
  createdAt: { type: Date, required: true },
  resolvedAt: { type: Date },
  type: { type: String, required: true },
  language: { type: String, required: true },
  title: { type: String },
  description: { type: String, required: true },
  area: { type: String },
  category: { type: String, required: true },
  agency: { type: String, required: true },
  importedAt: { type: Date, required: true },
});
historyCaseSchema.index({ profile: 1, ref: 1 }, { unique: true });
// Retention (history-retention.ts) finds what ended before its cutoff.
historyCaseSchema.index({ profile: 1, resolvedAt: 1 });
historyCaseSchema.index({ profile: 1, createdAt: 1 });

export const HistoryCaseModel = model('HistoryCase', historyCaseSchema, 'history_cases');

/** A trained model. The newest version of a profile is the one in use. */
const classifierVersionSchema = new Schema({
  profile: { type: String, required: true },
  version: { type: Number, required: true },
  /** The model of src/classification/model.ts as JSON text (its keys are arbitrary words). */
  modelJson: { type: String, required: true },
  trainedAt: { type: Date, required: true },
  examples: { type: new Schema({ history: Number, corrections: Number, seeds: Number }, { _id: false }), required: true },
  /** Measured on the held-out slice by a model trained on the rest (see classifier.service.ts). */
  evaluation: { type: Schema.Types.Mixed },
  trainedBy: { type: String, required: true },
  trainMs: { type: Number },
});
classifierVersionSchema.index({ profile: 1, version: -1 }, { unique: true });

export const ClassifierVersionModel = model('ClassifierVersion', classifierVersionSchema, 'classifier_models');

/** Keyword rules of a category (for a new category before there is history). */
const keywordRuleSchema = new Schema({
  profile: { type: String, required: true },
  category: { type: String, required: true },
  keywords: { type: [String], required: true },
  updatedBy: { type: new Schema({ userId: String, name: String }, { _id: false }) },
  updatedAt: { type: Date, required: true },
});
keywordRuleSchema.index({ profile: 1, category: 1 }, { unique: true });

export const KeywordRuleModel = model('KeywordRule', keywordRuleSchema, 'classifier_keywords');
