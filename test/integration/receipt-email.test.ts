/**
 * The receipt from end to end: a case filed over the API, the outbox relay sending through a real
 * SMTP server, and the link in the delivered email opening the case in a browser session.
 */
import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/index.js';
import { createMailTransport, createOutboxRelay, OutboxMessageModel } from '../../src/notifications/index.js';
import { createLogger } from '../../src/shared/logger.js';
import { makeApp, testConfig } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

describe('receipt email, end to end', () => {
  const publicUrl = 'http://tawasul.test';
  const app = makeApp({ config: testConfig({ PUBLIC_URL: publicUrl }) });
  let smtp: TestSmtpServer;

  before(async () => {
    smtp = await startSmtpServer();
    await OutboxMessageModel.deleteMany({});
  });
  after(() => smtp.close());

  it('when a case is filed in Arabic, then one Arabic receipt arrives whose link opens the case', async () => {
    const body = caseBody({ language: 'ar', category: 'POWER_OUTAGE' });
    const filed = await request(app).post('/api/v1/cases').send(body);
    expect(filed.status).to.equal(201);

    const transport = createMailTransport(smtp.url)!;
    const relay = createOutboxRelay({
      transport,
      from: 'Tawasul <no-reply@tawasul.test>',
      logger: createLogger({ level: 'silent' }),
      clock: { now: () => new Date() },
      isSubjectLive: async (s) => (await CaseModel.exists({ _id: s.id })) !== null,
    });
    expect((await relay.runOnce()).sent).to.equal(1);
    expect((await relay.runOnce()).sent).to.equal(0); // nothing is sent twice
    transport.close();

    expect(smtp.received).to.have.length(1);
    const { rcptTo, mail } = smtp.received[0]!;
    expect(rcptTo).to.deep.equal([(body.contact as { email: string }).email]);
    expect(mail.subject).to.contain(filed.body.reference).and.match(/[\u0600-\u06FF]/);
    expect(mail.text).to.contain(filed.body.reference);
    expect(mail.text).to.contain('هيئة الكهرباء والماء');
    // How to call: the profile's contact centre (profiles/bh/profile.json), named in Arabic.
    expect(mail.text).to.contain('اتصل بـمركز الاتصال الوطني على الرقم 80008001');
    expect(mail.html).to.contain('href="tel:80008001"').and.contain('مركز الاتصال الوطني');

    const link = new RegExp(`${publicUrl.replace(/\./g, '\\.')}(/track\\?[^\\s"<]+)`).exec(mail.text ?? '')![1]!;
    const agent = request.agent(app);
    const opened = await agent.get(link.replace(/&amp;/g, '&'));
    expect(opened.status).to.equal(303);
    expect(opened.headers.location).to.equal(`/cases/${filed.body.reference}`);
    const page = await agent.get(opened.headers.location as string);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(filed.body.reference);
  });
});
