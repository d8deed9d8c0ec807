import { expect } from 'chai';
import { CaseModel } from '../../src/cases/case.model.js';
import { browserWith, csrfFrom } from '../support/pages.js';
import { makeApp } from '../support/app.js';
import { makeCase } from '../support/factories.js';
import { makeUser } from '../support/staff.js';



describe('pages for a signed-in citizen and for the contact centre', () => {
  const app = makeApp();

  it('when a signed-in citizen opens "my cases", then their own cases are listed and open without a tracking code', async () => {
    const citizen = await makeUser('citizen');
    const own = await makeCase({ citizenId: citizen.user._id, title: 'My own case' });
    const other = await makeCase({ title: 'Somebody else' });
    const browser = browserWith(app, citizen.token);
    const list = await browser.get('/my/cases').set('Accept-Language', 'en');
    expect(list.status).to.equal(200);
    expect(list.text).to.contain(`data-testid="mine-${own.reference}"`);
    expect(list.text).not.to.contain(other.reference);
    expect((await browser.get(`/cases/${own.reference}`)).status).to.equal(200);
    expect((await browser.get(`/cases/${other.reference}`)).status).to.equal(404);
  });

  it('when the owner rates a resolved case, then the rating is kept and the form is gone', async () => {
    const citizen = await makeUser('citizen');
    const c = await makeCase({ citizenId: citizen.user._id, status: 'resolved', resolvedAt: new Date() });
    const browser = browserWith(app, citizen.token);
    const page = await browser.get(`/cases/${c.reference}`);
    expect(page.text).to.contain('data-testid="rate-form"').and.contain('data-testid="reopen-form"');
    const noScore = await browser.post(`/cases/${c.reference}/rating`).type('form').send({ _csrf: csrfFrom(page.text) });
    expect(noScore.status).to.equal(400);
    const rated = await browser.post(`/cases/${c.reference}/rating`).type('form').send({ _csrf: csrfFrom(page.text), score: '4', comment: 'جيد' });
    expect(rated.status).to.equal(303);
    expect((await CaseModel.findById(c._id).lean())!.rating).to.deep.include({ score: 4, comment: 'جيد' });
    const after = await browser.get(`/cases/${c.reference}`);
    expect(after.status).to.equal(200);
    expect(after.text).not.to.contain('data-testid="rate-form"');
    expect(after.text).to.contain('data-testid="your-rating"');
  });

  it('when the owner reopens without a reason, then the error shows; with one, the case is reopened', async () => {
    const citizen = await makeUser('citizen');
    const c = await makeCase({ citizenId: citizen.user._id, status: 'resolved', resolvedAt: new Date() });
    const browser = browserWith(app, citizen.token);
    const page = await browser.get(`/cases/${c.reference}`).set('Accept-Language', 'en');
    const bad = await browser.post(`/cases/${c.reference}/act`).set('Accept-Language', 'en').type('form').send({ _csrf: csrfFrom(page.text), action: 'reopen' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('id="f-reason-error"');
    const ok = await browser.post(`/cases/${c.reference}/act`).type('form').send({ _csrf: csrfFrom(page.text), action: 'reopen', reason: 'The water is leaking again.' });
    expect(ok.status).to.equal(303);
    const stored = (await CaseModel.findById(c._id).lean())!;
    expect(stored.status).to.equal('reopened');
    expect(stored.history.at(-1)).to.deep.include({ event: 'status_changed', to: 'reopened', note: 'The water is leaking again.' });
  });

  it('when someone without the case posts an owner action, then it is 404 and nothing changes', async () => {
    const stranger = await makeUser('citizen');
    const c = await makeCase({ status: 'resolved', resolvedAt: new Date() });
    const browser = browserWith(app, stranger.token);
    const page = await browser.get('/track');
    const res = await browser.post(`/cases/${c.reference}/act`).type('form').send({ _csrf: csrfFrom(page.text), action: 'accept_resolution' });
    expect(res.status).to.equal(404);
    expect((await CaseModel.findById(c._id).lean())!.status).to.equal('resolved');
  });

  it('when an agent files for a caller through the page, then the case is a phone case filed by the agent', async () => {
    const agent = await makeUser('agent', undefined, 'Agent Huda');
    const browser = browserWith(app, agent.token);
    const form = await browser.get('/work/file').set('Accept-Language', 'en');
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('action="/work/file"').and.contain('File a case for a caller');
    const res = await browser
      .post('/work/file')
      .field('_csrf', csrfFrom(form.text))
      .field('type', 'inquiry')
      .field('category', 'UTILITY_BILLING')
      .field('description', 'The caller asks why the bill doubled.')
      .field('contact_name', 'Caller Yusuf')
      .field('contact_email', 'yusuf.caller@example.bh')
      .field('contact_phone', '+973 3900 1122');
    expect(res.status).to.equal(303);
    const stored = await CaseModel.findOne({ 'contact.email': 'yusuf.caller@example.bh' }).lean();
    expect(stored!.channel).to.equal('phone');
    expect(stored!.filedBy).to.deep.include({ kind: 'agent', name: 'Agent Huda' });
    expect(stored!.agency).to.equal('EWA');
  });

  it('when a citizen opens the agent page, then it is 403', async () => {
    const citizen = await makeUser('citizen');
    expect((await browserWith(app, citizen.token).get('/work/file')).status).to.equal(403);
  });
});
