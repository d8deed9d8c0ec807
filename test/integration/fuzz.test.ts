/**
 * A fuzzer of bodies, query strings, headers and paths over every route of the API, as every role
 * (fast-check, a fixed seed, a bounded count): whatever arrives, the answer is never a 5xx, and
 * every answer is the error format or a success. A failure prints the request that caused it and
 * the seed to replay it.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import request from 'supertest';
import { capturingLogger, makeApp, testConfig } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { makeUser, type TestUser } from '../support/staff.js';

const RUNS = 5_000;

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Every API route; `:x` parameters are filled by the fuzzer (with real values some of the time). */
const ROUTES: [Method, string][] = [
  ['get', '/api/v1/directory'],
  ['post', '/api/v1/cases'],
  ['get', '/api/v1/cases'],
  ['get', '/api/v1/cases/counts'],
  ['get', '/api/v1/cases/:reference'],
  ['patch', '/api/v1/cases/:reference'],
  ['post', '/api/v1/cases/:reference/messages'],
  ['post', '/api/v1/cases/:reference/attachments'],
  ['get', '/api/v1/cases/:reference/attachments/:id'],
  ['post', '/api/v1/cases/:reference/rating'],
  ['post', '/api/v1/cases/:reference/follow'],
  ['post', '/api/v1/cases/similar'],
  ['get', '/api/v1/recurring-issues'],
  ['get', '/api/v1/recurring-issues/:id'],
  ['patch', '/api/v1/recurring-issues/:id'],
  ['post', '/api/v1/recurring-issues/:id/merge'],
  ['post', '/api/v1/recurring-issues/:id/split'],
  ['put', '/api/v1/recurring-issues/:id/linked-cases'],
  ['post', '/api/v1/recurring-issues/:id/resolve-linked'],
  ['get', '/api/v1/admin/recurring-rules'],
  ['put', '/api/v1/admin/recurring-rules/:category'],
  ['post', '/api/v1/auth/login'],
  ['post', '/api/v1/auth/refresh'],
  ['post', '/api/v1/auth/logout'],
  ['post', '/api/v1/auth/register'],
  ['get', '/api/v1/auth/me'],
  ['post', '/api/v1/admin/users'],
  ['post', '/api/v1/admin/users/disable'],
  ['get', '/api/v1/admin/calendars/:code'],
  ['put', '/api/v1/admin/calendars/:code'],
  ['get', '/api/v1/admin/sla-policies'],
  ['post', '/api/v1/admin/sla-policies'],
  ['put', '/api/v1/admin/sla-policies/:id'],
  ['delete', '/api/v1/admin/sla-policies/:id'],
  ['get', '/api/v1/sla/preview'],
  ['get', '/api/v1/admin/classifier'],
  ['put', '/api/v1/admin/classifier/keywords/:category'],
  ['get', '/api/v1/admin/directory'],
  ['get', '/api/v1/admin/directory/changes'],
  ['post', '/api/v1/admin/directory/agencies'],
  ['post', '/api/v1/admin/directory/municipalities'],
  ['post', '/api/v1/admin/directory/areas'],
  ['post', '/api/v1/admin/directory/categories'],
  ['patch', '/api/v1/admin/directory/agencies/:code'],
  ['patch', '/api/v1/admin/directory/municipalities/:code'],
  ['patch', '/api/v1/admin/directory/areas/:code'],
  ['patch', '/api/v1/admin/directory/categories/:code'],
];

const ROLES = ['guest', 'citizen', 'agent', 'officer', 'supervisor', 'manager', 'admin'] as const;

describe('fuzzing the API: no 5xx, ever', function () {
  this.timeout(600_000);
  const log = capturingLogger('error');
  // Limits out of the way: the fuzzer is one address sending thousands of requests.
  const app = makeApp({ logger: log.logger, config: testConfig({ RATE_LIMIT_SIGNIN: '1000000', RATE_LIMIT_SIGNIN_ACCOUNT: '1000000' }) });
  const users = new Map<string, TestUser>();
  const real = { reference: '', trackingToken: '' };

  before(async () => {
    for (const role of ROLES) if (role !== 'guest') users.set(role, await makeUser(role, role === 'officer' || role === 'supervisor' ? 'CAPITAL' : undefined));
    const filed = await request(app).post('/api/v1/cases').send(caseBody());
    expect(filed.status).to.equal(201);
    Object.assign(real, { reference: filed.body.reference as string, trackingToken: filed.body.trackingToken as string });
  });

  it(`when ${RUNS} generated requests reach every route as every role, then none is answered 5xx`, async () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', ' ', '\u0000', '\u2028', '\u202E', '%', '%ZZ', '../..', '$ne', '{"$gt":""}', 'null', 'TW-26-AAAA-AAAA', 'a'.repeat(5000)));
    const param = fc.oneof(text, fc.constantFrom('real', 'WASTE_COLLECTION', 'BH', 'AE-SHJ', '000000000000000000000000', '6b1154395879 5aac7f928ec3', '-1', '1e309'));
    const json = fc.oneof(
      fc.anything({ maxDepth: 3 }),
      fc.dictionary(fc.constantFrom('type', 'title', 'description', 'category', 'area', 'contact', 'action', 'note', 'reason', 'agency', 'reply', 'assignee', 'priority', 'score', 'comment', 'email', 'password', 'refreshToken', 'name', 'role', 'message', 'match', 'plan', 'cases', 'from', 'keywords', 'timezone', 'weekend', 'holidays', 'location', 'language', 'channel', 'code', 'name_ar', 'name_en', 'municipality', 'owner', 'group', 'validFrom', 'validUntil', 'retired'), fc.anything({ maxDepth: 2 })),
      fc.record({ mutation: fc.constantFrom('type', 'description', 'contact', 'category', 'area', 'location'), value: fc.anything({ maxDepth: 2 }) }).map(({ mutation, value }) => ({ ...caseBody(), [mutation]: value })),
    );
    const query = fc.dictionary(fc.constantFrom('status', 'category', 'area', 'agency', 'overdue', 'assignedToMe', 'q', 'phone', 'identityConfirmed', 'sort', 'limit', 'cursor', 'type', 'priority', 'from'), fc.oneof(text, fc.array(text, { maxLength: 3 })));
    const contentType = fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '');
    const language = fc.constantFrom('ar', 'en', 'fr', '*', 'ar;q=0.1, en', '', 'xx-YY;q=abc'); // Node refuses control characters in headers itself

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), fc.constantFrom(...ROLES), param, param, json, query, contentType, language, fc.boolean(), fc.option(text), async ([method, route], role, p1, p2, body, q, type, lang, rawBody, idempotencyKey) => {
        const path = route
          .replace(':reference', encodeURIComponent(p1 === 'real' ? real.reference : p1))
          .replace(/:(id|category|code)/, encodeURIComponent(p2 === 'real' ? real.reference : p2));
        let req = request(app)[method](path).query(q as Record<string, string>).set('Accept-Language', lang);
        const user = users.get(role);
        if (user) req = req.set(...user.auth);
        if (p1 === 'real') req = req.set('X-Tracking-Token', real.trackingToken);
        if (idempotencyKey !== null) req = req.set('Idempotency-Key', idempotencyKey.replace(/[^\x20-\x7e]/g, ''));
        if (method !== 'get' && method !== 'delete') {
          if (type) req = req.set('Content-Type', type);
          // Anything but a JSON type goes as text: superagent serialises only JSON itself.
          const asText = rawBody || !type.startsWith('application/json') || body === null || typeof body !== 'object';
          req = asText ? req.send(typeof body === 'string' ? body : (JSON.stringify(body) ?? '')) : req.send(body);
        }
        const res = await req;
        const said = `${method.toUpperCase()} ${path} as ${role} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
        expect(res.status, said).to.be.below(500);
        if (res.status >= 400 && res.type === 'application/json') expect(res.body.error?.code, said).to.be.a('string');
      }),
      { seed: 20261203, numRuns: RUNS, endOnFailure: true },
    );
    expect(log.lines().filter((l) => (l.level as number) >= 50).map((l) => l.msg)).to.deep.equal([]);
  });
});
