import { expect } from 'chai';
import { EmailRenderError, renderEmail, type CaseReceiptData } from '../../src/notifications/index.js';

const data = (overrides: Partial<CaseReceiptData> = {}): CaseReceiptData => ({
  reference: 'TW-26-7KQ4-M9XD',
  trackingUrl: 'https://tawasul.example.bh/track?reference=TW-26-7KQ4-M9XD&token=abc',
  typeLabel: 'شكوى',
  agencyName: 'هيئة الكهرباء والماء',
  expectedDays: 14,
  ...overrides,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  expect.fail('expected the render to fail');
}

describe('email templates', () => {
  it('when the Arabic receipt renders, then the subject, text and right-to-left HTML carry the reference and link', async () => {
    const email = await renderEmail('case-receipt', 'ar', data());
    expect(email.subject).to.equal('تم استلام طلبك TW-26-7KQ4-M9XD');
    expect(email.text).to.match(/^شكرًا لتواصلك/);
    expect(email.text).to.include('https://tawasul.example.bh/track?reference=TW-26-7KQ4-M9XD&token=abc');
    expect(email.html).to.include('<html lang="ar" dir="rtl">');
    expect(email.html).to.include('href="https://tawasul.example.bh/track?reference=TW-26-7KQ4-M9XD&amp;token=abc"');
    expect(email.html).to.include(`<title>${email.subject}</title>`);
  });

  it('when the English receipt renders, then it is left-to-right English', async () => {
    const email = await renderEmail('case-receipt', 'en', data({ typeLabel: 'suggestion', agencyName: 'Electricity and Water Authority' }));
    expect(email.subject).to.equal('We received your case TW-26-7KQ4-M9XD');
    expect(email.html).to.include('<html lang="en" dir="ltr">');
    expect(email.text).to.include('Your case has been routed to Electricity and Water Authority');
  });

  it('when the receipt carries the contact centre, then both languages say whom to call with the number; a receipt queued without it leaves the line out', async () => {
    const centre = (name: string) => data({ contactCentre: { name, phone: '80008001' } });
    const en = await renderEmail('case-receipt', 'en', centre('National Contact Centre'));
    expect(en.text).to.include('call the National Contact Centre on 80008001 and give your reference number.');
    expect(en.html).to.include('<a href="tel:80008001" dir="ltr">80008001</a>');
    const ar = await renderEmail('case-receipt', 'ar', centre('مركز الاتصال الوطني'));
    expect(ar.text).to.include('اتصل بـمركز الاتصال الوطني على الرقم 80008001 واذكر رقمك المرجعي.');
    expect(ar.html).to.include('<a href="tel:80008001" dir="ltr">80008001</a>');
    expect((await renderEmail('case-receipt', 'en', data())).text).not.to.include('To speak to someone');
  });

  it('when no agency is known yet, then the receipt says the right entity is being found', async () => {
    expect((await renderEmail('case-receipt', 'ar', data({ agencyName: null }))).text).to.include('نعمل على تحديد الجهة المختصة');
    expect((await renderEmail('case-receipt', 'en', data({ agencyName: null }))).text).to.include('We are finding the right entity');
  });

  const arabicDays: [number, string][] = [
    [1, 'خلال يوم عمل واحد.'],
    [2, 'خلال يومَي عمل.'],
    [3, 'خلال 3 أيام عمل.'],
    [10, 'خلال 10 أيام عمل.'],
    [11, 'خلال 11 يوم عمل.'],
    [100, 'خلال 100 يوم عمل.'],
  ];
  for (const [days, phrase] of arabicDays) {
    it(`when ${days} working day(s) are expected, then the Arabic text says "${phrase}"`, async () => {
      expect((await renderEmail('case-receipt', 'ar', data({ expectedDays: days }))).text).to.include(phrase);
    });
  }

  it('when 1 or 14 working days are expected, then the English text uses the singular or plural', async () => {
    expect((await renderEmail('case-receipt', 'en', data({ expectedDays: 1 }))).text).to.include('within 1 working day.');
    expect((await renderEmail('case-receipt', 'en', data({ expectedDays: 14 }))).text).to.include('within 14 working days.');
  });

  it('when a value holds markup, then the HTML escapes it and the plain text keeps it as typed', async () => {
    const email = await renderEmail('case-receipt', 'en', data({ typeLabel: '<script>alert(1)</script> & co' }));
    expect(email.html).to.include('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    expect(email.html).not.to.include('<script>');
    expect(email.text).to.include('Type: <script>alert(1)</script> & co');
  });

  it('when a value holds a line break, then it cannot break out of the subject line', async () => {
    const email = await renderEmail('case-receipt', 'en', data({ reference: 'TW-1\r\nBcc: victim@example.com' }));
    expect(email.subject).to.equal('We received your case TW-1 Bcc: victim@example.com');
    expect(email.text).not.to.match(/^Bcc:/m);
  });

  it('when the template is unknown or the data is invalid, then rendering fails with RENDER_FAILED', async () => {
    const unknown = await rejection(renderEmail('no-such-template', 'ar', data()));
    expect(unknown).to.be.instanceOf(EmailRenderError);
    const badLink = await rejection(renderEmail('case-receipt', 'ar', data({ trackingUrl: 'javascript:alert(1)' })));
    expect(badLink).to.be.instanceOf(EmailRenderError).and.to.have.property('code', 'RENDER_FAILED');
    expect((badLink as Error).message).to.include('trackingUrl');
  });

  it('when a follower is told that a problem they follow moved, then each language says so with the reference, and a note for everyone only when given', async () => {
    const follower = { reference: 'TW-26-7KQ4-M9XD', event: 'resolved', headline: 'A problem you follow has been resolved', noteForEveryone: null };
    const en = await renderEmail('case-follower-update', 'en', follower);
    expect(en.subject).to.equal('A problem you follow has been resolved — TW-26-7KQ4-M9XD');
    expect(en.html).to.include('<html lang="en" dir="ltr">');
    expect(en.text).not.to.include("The entity's note to everyone affected");
    const ar = await renderEmail('case-follower-update', 'ar', { ...follower, headline: 'تم حل مشكلة تتابعها', noteForEveryone: 'تم استبدال خط الصرف.' });
    expect(ar.subject).to.equal('تم حل مشكلة تتابعها — TW-26-7KQ4-M9XD');
    expect(ar.html).to.include('<html lang="ar" dir="rtl">').and.include('تم استبدال خط الصرف.');
    expect(ar.text).to.include('ملاحظة الجهة إلى جميع المتأثرين:\nتم استبدال خط الصرف.');
    expect(await rejection(renderEmail('case-follower-update', 'en', { ...follower, event: 'reply' }))).to.be.instanceOf(EmailRenderError);
  });
});
