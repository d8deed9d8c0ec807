import { expect } from 'chai';
import { createMailTransport, MAX_ATTEMPTS, retryDelayMs } from '../../src/notifications/index.js';
import { errorCode } from '../../src/notifications/relay.js';

describe('outbox relay rules', () => {
  it('when sends keep failing, then the back-off doubles from 30 s and stops growing at 1 h', () => {
    const delays = Array.from({ length: MAX_ATTEMPTS }, (_, i) => retryDelayMs(i + 1) / 1000);
    expect(delays).to.deep.equal([30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
  });

  it('when an SMTP error is recorded, then only its code and reply code are kept, never the server text', () => {
    const rejected = Object.assign(new Error("Can't send mail - all recipients were rejected: 550 5.1.1 <citizen@example.com>: no such user"), {
      code: 'EENVELOPE',
      responseCode: 550,
      response: '550 5.1.1 <citizen@example.com>: no such user',
    });
    expect(errorCode(rejected)).to.equal('EENVELOPE 550');
    expect(errorCode(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' }))).to.equal('ESOCKET');
    expect(errorCode(new Error('citizen@example.com broke it'))).to.equal('SEND_FAILED');
    expect(errorCode({ code: 'not a code <x@y.z>' })).to.equal('SEND_FAILED');
  });
});

describe('mail transport', () => {
  it('when SMTP_URL is unset, then there is no transport', () => {
    expect(createMailTransport(undefined)).to.equal(null);
    expect(createMailTransport('')).to.equal(null);
  });

  it('when SMTP_URL is set, then the transport reads no local files and fetches no URLs', () => {
    const transport = createMailTransport('smtp://mailer:secret@127.0.0.1:2525')!;
    const options = (transport as unknown as { options: Record<string, unknown> }).options;
    expect(options).to.include({ disableFileAccess: true, disableUrlAccess: true, host: '127.0.0.1', port: 2525, secure: false });
    transport.close();
  });
});
