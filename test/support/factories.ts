import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { CaseModel, type CaseDoc } from '../../src/cases/case.model.js';
import { generateReference, hashSecret } from '../../src/cases/reference.js';
import { reportKeys } from '../../src/shared/report-keys.js';
import type { Principal, Role } from '../../src/shared/principal.js';

/** A case written straight to the database, for tests about reading and working cases. */
export async function makeCase(overrides: Record<string, unknown> = {}): Promise<CaseDoc> {
  const at = (overrides.createdAt as Date | undefined) ?? new Date();
  const doc = await new CaseModel({
    profile: 'bh',
    reference: generateReference(at),
    trackingTokenHash: hashSecret(crypto.randomBytes(12).toString('hex')),
    type: 'complaint',
    description: 'A test case description.',
    language: 'en',
    channel: 'web',
    category: 'WASTE_COLLECTION',
    area: 'SITRA',
    agency: 'CAPITAL',
    status: 'assigned',
    routing: { method: 'rule', confidence: 1, routedAt: at },
    contact: { name: 'Test Citizen', email: 'citizen@example.bh' },
    contactEmail: 'citizen@example.bh',
    history: [{ at, actor: { kind: 'citizen' }, event: 'filed', to: 'submitted', visibility: 'public' }],
    ...reportKeys(at, 'Asia/Bahrain'), // as intake writes them, from the case's own time
    createdAt: at,
    updatedAt: at,
    ...overrides,
  }).save({ timestamps: false });
  return doc.toObject();
}

export function principal(role: Role, overrides: Partial<Principal> = {}): Principal {
  return {
    userId: new Types.ObjectId().toHexString(),
    role,
    ...(role === 'officer' || role === 'supervisor' ? { agency: 'CAPITAL' } : {}),
    name: `Test ${role}`,
    email: `${role}-${crypto.randomBytes(3).toString('hex')}@example.bh`,
    language: 'en',
    ...overrides,
  };
}
