/**
 * /metrics, the operator's view: Prometheus text behind a bearer token, a registry per app, HTTP
 * series labelled by route pattern (never a reference or a token), and the work waiting in the
 * database read when scraped. Time is a ManualClock.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import request from 'supertest';
import { CaseModel } from '../../src/cases/case.model.js';
import { enqueueEmail, OutboxMessageModel, type EnqueueEmailInput } from '../../src/notifications/index.js';
import { RecurrenceQueueModel } from '../../src/recurring/recurring.model.js';
import { ManualClock } from '../../src/shared/clock.js';
import { capturingLogger, makeApp, testConfig } from '../support/app.js';
import { caseBody } from '../support/cases.js';

const TOKEN = 'metrics-token-0123456789-abcdefghijklmnop';
const START = new Date('2026-11-22T06:00:00.000Z');

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (no escaped quotes in our label values). */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

function receipt(n: number): Extract<EnqueueEmailInput, { template: 'case-receipt' }> {
  const caseId = new Types.ObjectId().toHexString();
  return {
    key: `case-receipt:${caseId}`,
    to: `citizen.${n}@example.com`,
    language: 'en',
    template: 'case-receipt',
    subject: { kind: 'case', id: caseId },
    data: { reference: 'TW-26-7KQ4-M9XD', trackingUrl: 'https://tawasul.example.bh/track?reference=TW-26-7KQ4-M9XD&token=tk_x', typeLabel: 'Complaint', agencyName: 'EWA', expectedDays: 14 },
  };
}

describe('metrics (/metrics)', () => {
  const clock = new ManualClock(START);
  const app = makeApp({ clock, config: testConfig({ METRICS_TOKEN: TOKEN }) });
  const scrape = async (target = app): Promise<Sample[]> => {
    const res = await request(target).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(res.status, res.text).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).to.equal('no-store');
    return parse(res.text);
  };

  beforeEach(async () => {
    clock.set(START);
    await Promise.all([OutboxMessageModel.deleteMany({}), RecurrenceQueueModel.deleteMany({}), CaseModel.deleteMany({})]);
  });

  describe('access', () => {
    it('when no token is sent, then 401 METRICS_TOKEN_REQUIRED in the stable error format, with a Bearer challenge', async () => {
      const res = await request(app).get('/metrics').set('Accept', 'application/json');
      expect(res.status).to.equal(401);
      expect(res.headers['www-authenticate']).to.equal('Bearer realm="metrics"');
      expect(res.body.error).to.have.keys('code', 'message'); // the stable format, nothing else
      expect(res.body.error.code).to.equal('METRICS_TOKEN_REQUIRED');
      expect(res.body.error.message).to.contain('METRICS_TOKEN'); // in the request's language (Arabic by default)
      expect(res.text).not.to.match(/tawasul_|nodejs_/);
    });

    it('when a wrong token, a prefix of the token or another scheme is sent, then the same 401', async () => {
      for (const header of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, 'Bearer ' + 'y'.repeat(TOKEN.length), `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`, TOKEN]) {
        const res = await request(app).get('/metrics').set('Accept', 'application/json').set('Authorization', header);
        expect(res.status, header).to.equal(401);
        expect(res.body.error.code, header).to.equal('METRICS_TOKEN_REQUIRED');
      }
    });

    it('when a browser asks without the token, then it gets the error page, not the metrics', async () => {
      const res = await request(app).get('/metrics').set('Accept', 'text/html');
      expect(res.status).to.equal(401);
      expect(res.headers['content-type']).to.match(/text\/html/);
      expect(res.text).not.to.match(/tawasul_outbox/);
    });

    it('when METRICS_TOKEN is unset, then /metrics answers exactly as a path that does not exist: 404 ROUTE_NOT_FOUND', async () => {
      const plain = makeApp();
      const ask = (path: string, header?: string) => {
        const req = request(plain).get(path).set('Accept', 'application/json');
        return header ? req.set('Authorization', header) : req;
      };
      const res = await ask('/metrics');
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('ROUTE_NOT_FOUND');
      expect(res.body).to.deep.equal((await ask('/no-such-endpoint')).body);
      // With a bearer token it is what any path answers to a token that is not a session (401 INVALID_TOKEN), nothing about metrics.
      const withToken = await ask('/metrics', `Bearer ${TOKEN}`);
      const elsewhere = await ask('/no-such-endpoint', `Bearer ${TOKEN}`);
      expect([withToken.status, withToken.body]).to.deep.equal([elsewhere.status, elsewhere.body]);
      expect(withToken.headers['www-authenticate']).to.equal(elsewhere.headers['www-authenticate']);
      expect(withToken.text).not.to.match(/METRICS|tawasul_/);
    });
  });

  describe('HTTP series', () => {
    it('when a route was called, then its histogram is labelled by the route pattern and method, and responses are counted by status', async () => {
      expect((await request(app).get('/api/v1/directory')).status).to.equal(200);
      expect((await request(app).get('/api/v1/directory')).status).to.equal(200);
      const samples = await scrape();
      const labels = { method: 'GET', route: '/api/v1/directory' };
      expect(valueOf(samples, 'tawasul_http_request_duration_seconds_count', labels)).to.equal(2);
      expect(valueOf(samples, 'tawasul_http_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).to.equal(2);
      expect(valueOf(samples, 'tawasul_http_request_duration_seconds_sum', labels)).to.be.greaterThan(0);
      expect(valueOf(samples, 'tawasul_http_responses_total', { ...labels, status_code: '200' })).to.equal(2);
    });

    it('when a case is looked up by reference and token, then the series name the pattern, never the reference or the token', async () => {
      const filed = await request(app).post('/api/v1/cases').send(caseBody());
      expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
      const { reference, trackingToken } = filed.body as { reference: string; trackingToken: string };
      const seen = await request(app).get(`/api/v1/cases/${reference}`).set('X-Tracking-Token', trackingToken);
      expect(seen.status).to.equal(200);
      const page = await request(app).get(`/track?reference=${reference}&token=${encodeURIComponent(trackingToken)}`);
      const unknown = await request(app).get('/api/v1/cases/TW-26-ZZZZ-ZZZZ').set('X-Tracking-Token', trackingToken);
      expect(unknown.status).to.equal(404);

      const res = await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
      expect(res.status).to.equal(200);
      expect(res.text).not.to.include(reference);
      expect(res.text).not.to.include(trackingToken);
      expect(res.text).not.to.include('ZZZZ');
      const samples = parse(res.text);
      expect(valueOf(samples, 'tawasul_http_responses_total', { method: 'POST', route: '/api/v1/cases', status_code: '201' })).to.equal(1);
      expect(valueOf(samples, 'tawasul_http_responses_total', { method: 'GET', route: '/api/v1/cases/:reference', status_code: '200' })).to.equal(1);
      expect(valueOf(samples, 'tawasul_http_responses_total', { method: 'GET', route: '/api/v1/cases/:reference', status_code: '404' })).to.equal(1);
      expect(valueOf(samples, 'tawasul_http_responses_total', { method: 'GET', route: '/track', status_code: String(page.status) })).to.equal(1);
      const routes = new Set(samples.filter((s) => s.name === 'tawasul_http_responses_total').map((s) => s.labels.route));
      for (const route of routes) expect(route, route).to.match(/^(\/[A-Za-z0-9_:/.*-]*|unmatched)$/);
    });

    it('when a path matches no route, then it is counted as unmatched, not by its address', async () => {
      expect((await request(app).get('/nothing/here/TW-26-SECRET').set('Accept', 'application/json')).status).to.equal(404);
      const res = await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
      expect(res.status).to.equal(200);
      expect(res.text).not.to.include('SECRET');
      expect(valueOf(parse(res.text), 'tawasul_http_responses_total', { method: 'GET', route: 'unmatched', status_code: '404' })).to.be.at.least(1);
    });

    it('when two apps are built, then each has its own registry: one app never shows the other one\'s requests', async () => {
      const other = makeApp({ clock, config: testConfig({ METRICS_TOKEN: TOKEN }) });
      expect((await request(other).get('/healthz')).status).to.equal(200);
      expect((await request(other).get('/healthz')).status).to.equal(200);
      expect((await request(other).get('/healthz')).status).to.equal(200);
      const theirs = await scrape(other);
      expect(valueOf(theirs, 'tawasul_http_request_duration_seconds_count', { method: 'GET', route: '/healthz' })).to.equal(3);
      const mine = await scrape();
      expect(valueOf(mine, 'tawasul_http_request_duration_seconds_count', { method: 'GET', route: '/healthz' }) ?? 0).to.be.below(3);
    });

    it('when scraped, then the process metrics are there, event-loop lag among them', async () => {
      const samples = await scrape();
      expect(valueOf(samples, 'nodejs_eventloop_lag_seconds')).to.be.a('number').and.at.least(0);
      expect(valueOf(samples, 'process_resident_memory_bytes') ?? valueOf(samples, 'nodejs_heap_size_used_bytes')).to.be.greaterThan(0);
    });
  });

  describe('work waiting in the database', () => {
    it('when messages are put in the outbox, then the backlog gauge equals the pending ones and the age is the oldest one\'s', async () => {
      let samples = await scrape();
      expect(valueOf(samples, 'tawasul_outbox_pending_messages')).to.equal(0);
      expect(valueOf(samples, 'tawasul_outbox_oldest_pending_age_seconds')).to.equal(0);

      await enqueueEmail(receipt(1), new Date(START.getTime() - 90_000));
      await enqueueEmail(receipt(2), new Date(START.getTime() - 30_000));
      await enqueueEmail(receipt(3), START);
      const sent = await enqueueEmail(receipt(4), new Date(START.getTime() - 600_000));
      await OutboxMessageModel.updateOne({ _id: sent._id }, { $set: { status: 'sent', sentAt: START } });
      const failed = await enqueueEmail(receipt(5), new Date(START.getTime() - 700_000));
      await OutboxMessageModel.updateOne({ _id: failed._id }, { $set: { status: 'failed' } });
      // A message waiting for a retry is due later than the ones written after it; its age still counts from when it was written.
      const retried = await enqueueEmail(receipt(6), new Date(START.getTime() - 120_000));
      await OutboxMessageModel.updateOne({ _id: retried._id }, { $set: { attempts: 2, nextAttemptAt: new Date(START.getTime() + 300_000) } });

      samples = await scrape();
      expect(valueOf(samples, 'tawasul_outbox_pending_messages')).to.equal(4);
      expect(valueOf(samples, 'tawasul_outbox_failed_messages')).to.equal(1);
      expect(valueOf(samples, 'tawasul_outbox_oldest_pending_age_seconds')).to.equal(120);

      clock.advance(60_000);
      expect(valueOf(await scrape(), 'tawasul_outbox_oldest_pending_age_seconds')).to.equal(180);
    });

    it('when a case is filed, then it waits in the detection queue, and once its SLA check time passes it counts as due', async () => {
      let samples = await scrape();
      expect(valueOf(samples, 'tawasul_recurring_queue_length')).to.equal(0);
      expect(valueOf(samples, 'tawasul_recurring_queue_oldest_age_seconds')).to.equal(0);
      expect(valueOf(samples, 'tawasul_sla_cases_due')).to.equal(0);

      const filed = await request(app).post('/api/v1/cases').send(caseBody());
      expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
      const stored = await CaseModel.findOne({ reference: filed.body.reference }).lean();
      const nextCheckAt = (stored as { sla?: { nextCheckAt?: Date } } | null)?.sla?.nextCheckAt;
      expect(nextCheckAt, 'the case has an SLA check time').to.be.instanceOf(Date);

      clock.advance(45_000);
      samples = await scrape();
      expect(valueOf(samples, 'tawasul_recurring_queue_length')).to.equal(1);
      expect(valueOf(samples, 'tawasul_recurring_queue_oldest_age_seconds')).to.equal(45);
      expect(valueOf(samples, 'tawasul_sla_cases_due')).to.equal(0);
      // The filing's receipt is in the outbox too.
      expect(valueOf(samples, 'tawasul_outbox_pending_messages')).to.equal(1);

      clock.set(nextCheckAt!);
      expect(valueOf(await scrape(), 'tawasul_sla_cases_due')).to.equal(1);
    });

    it('when Prometheus scrapes, then the scrape is not written to the request log (other requests are)', async () => {
      const log = capturingLogger('info');
      const watched = makeApp({ clock, logger: log.logger, config: testConfig({ METRICS_TOKEN: TOKEN, LOG_LEVEL: 'info' }) });
      await scrape(watched);
      expect((await request(watched).get('/api/v1/directory')).status).to.equal(200);
      const paths = log.lines().map((l) => (l.req as { path?: string } | undefined)?.path).filter(Boolean);
      expect(paths).to.include('/api/v1/directory');
      expect(paths).not.to.include('/metrics');
    });

    it('when a gauge cannot be read from the database, then it is NaN (unknown, not 0), the scrape still answers and a warning is logged', async () => {
      const log = capturingLogger('warn');
      const watched = makeApp({ clock, logger: log.logger, config: testConfig({ METRICS_TOKEN: TOKEN }) });
      await enqueueEmail(receipt(1), START);
      const original = OutboxMessageModel.countDocuments.bind(OutboxMessageModel);
      OutboxMessageModel.countDocuments = () => {
        throw Object.assign(new Error('connection to 10.0.0.5 closed'), { name: 'MongoNetworkError' });
      };
      try {
        const samples = await scrape(watched);
        expect(valueOf(samples, 'tawasul_outbox_pending_messages')).to.be.NaN;
        expect(valueOf(samples, 'tawasul_outbox_oldest_pending_age_seconds')).to.equal(0);
        expect(valueOf(samples, 'tawasul_recurring_queue_length')).to.equal(0);
      } finally {
        OutboxMessageModel.countDocuments = original;
      }
      const warnings = log.lines().filter((l) => l.msg === 'metrics: could not read a gauge from the database');
      expect(warnings.map((l) => l.metric)).to.include('tawasul_outbox_pending_messages');
      expect(JSON.stringify(warnings)).not.to.include('10.0.0.5');
      expect(valueOf(await scrape(watched), 'tawasul_outbox_pending_messages')).to.equal(1);
    });
  });
});
