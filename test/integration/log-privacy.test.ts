/**
 * Database errors quote what they were sent (a duplicate key names the email, a bad query its
 * filter): logged, they keep their type, code and stack frames, never their message or fields.
 */
import { expect } from 'chai';
import mongoose from 'mongoose';
import { UserModel } from '../../src/users/index.js';
import { capturingLogger } from '../support/app.js';
import { uniqueEmail } from '../support/accounts.js';

describe('personal data in logged database errors', () => {
  it('when a duplicate key error with an email is logged, then the line has its code and no email', async () => {
    const email = uniqueEmail('someone.private');
    const doc = { email, passwordHash: 'x'.repeat(20), role: 'citizen' as const, name: 'Maryam Private', language: 'en' as const, tokenVersion: 0 };
    await UserModel.create(doc);
    const err = await UserModel.create(doc).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.not.equal(null);
    // The engine's own error, and MongoDB's wording of it (which names the value), as the driver raises it.
    const asMongoDbSays = new mongoose.mongo.MongoServerError({ message: `E11000 duplicate key error collection: tawasul.users index: email_1 dup key: { email: "${email}" }`, code: 11000, keyValue: { email } });
    for (const e of [err, asMongoDbSays]) {
      const { logger, lines } = capturingLogger('debug');
      logger.error({ err: e, requestId: 'r-1' }, 'request failed');
      const text = JSON.stringify(lines());
      expect(text).to.not.contain(email).and.not.contain('Maryam').and.not.contain((e as Error).message);
      const logged = lines()[0]!.err as { type: string; code: number; message: string; stack?: string };
      expect(logged.type).to.match(/^Mongo/);
      expect(logged.code).to.equal(11000);
      expect(logged.message).to.equal('[database error: message withheld]');
      expect(logged.stack).to.match(/^\s+at /);
    }
  });

  it('when an ordinary error is logged, then its message is kept', () => {
    const { logger, lines } = capturingLogger('debug');
    logger.error({ err: new Error('SMTP connection refused') }, 'send failed');
    expect((lines()[0]!.err as { message: string }).message).to.equal('SMTP connection refused');
  });
});
