import crypto from 'node:crypto';

/** A valid filing body; tests override what they are about. */
export function caseBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'complaint',
    title: 'طفح مجاري',
    description: 'طفح المجاري في الشارع الرئيسي في سترة منذ ثلاثة أيام والرائحة لا تطاق.',
    category: 'WASTE_COLLECTION',
    area: 'SITRA',
    contact: { name: 'فاطمة علي', email: `citizen-${crypto.randomBytes(4).toString('hex')}@example.bh`, phone: '+973 3300 0000' },
    ...overrides,
  };
}
