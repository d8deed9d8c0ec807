/**
 * docs/database.md: code in src/ keeps to the subset that behaves the same on MongoDB 7 and
 * FerretDB v1.24.2. Some gaps are silent, so this scan is the guard.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const FORBIDDEN: [RegExp, string][] = [
  [/\$(lookup|facet|bucket|bucketAuto|replaceRoot|replaceWith|sample|graphLookup|unionWith|setWindowFields|merge|out)\b/, 'aggregation stage outside the subset'],
  [/\$(avg|first|last|stdDevPop|stdDevSamp)\b/, 'accumulator outside the subset'],
  [/\$(expr|elemMatch|text|where|jsonSchema|function|accumulator)\b/, 'query operator outside the subset'],
  [/\$(cond|switch|ifNull|dateToString|dateFromString|concat|substr\w*|toLower|toUpper|add|subtract|multiply|divide|arrayElemAt|filter|map|reduce)\b/, 'expression operator'],
  [/\$(geoWithin|geoIntersects|near|nearSphere|geoNear)\b|2dsphere|'2d'/, 'geo operator or index'],
  [/\barrayFilters\b|\$\[|\.\$\./, 'positional update'],
  [/\bcollation\b/, 'collation'],
  [/\bexpireAfterSeconds\b|\bexpires\s*:|\bpartialFilterExpression\b|\bsparse\s*:\s*true/, 'TTL, partial or sparse index'],
  [/\$(slice|position)\b/, '$push modifier outside the subset'],
  [/\bDecimal128\b/, 'Decimal128'],
  [/\bstartTransaction\b|\bwithTransaction\b|\.watch\(/, 'transactions or change streams'],
];

export function findForbidden(source: string): { line: number; text: string; why: string }[] {
  const found: { line: number; text: string; why: string }[] = [];
  source.split('\n').forEach((text, i) => {
    for (const [pattern, why] of FORBIDDEN) if (pattern.test(text)) found.push({ line: i + 1, text: text.trim(), why });
  });
  return found;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(ts|js|mjs|cjs)$/.test(e.name) ? [full] : [];
  });
}

describe('MongoDB subset (docs/database.md)', () => {
  it('when a source uses an operator outside the subset, then the scan reports it', () => {
    const sample = "Model.aggregate([{ $lookup: { from: 'x' } }]);\nModel.find({ tags: { $elemMatch: { a: 1 } } });\nschema.index({ at: 1 }, { expireAfterSeconds: 60 });\nModel.updateOne({}, { $set: { 'a.$[i]': 1 } });";
    expect(findForbidden(sample).map((f) => f.line)).to.deep.equal([1, 2, 3, 4]);
  });

  it('when a source keeps to the subset, then the scan reports nothing', () => {
    const sample = "Model.aggregate([{ $match: { a: 1 } }, { $group: { _id: '$area', n: { $sum: 1 } } }, { $sort: { n: -1, _id: 1 } }]);\nModel.updateOne({ _id }, { $set: { a: 1 }, $push: { history: entry } });";
    expect(findForbidden(sample)).to.deep.equal([]);
  });

  it('when src/ is scanned, then no file uses an operator outside the subset', () => {
    const root = path.resolve(__dirname, '../../src');
    const offences = sourceFiles(root).flatMap((file) => findForbidden(fs.readFileSync(file, 'utf8')).map((f) => `${path.relative(root, file)}:${f.line} ${f.why}: ${f.text}`));
    expect(offences).to.deep.equal([]);
  });
});
