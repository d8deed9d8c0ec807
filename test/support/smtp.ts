/**
 * A real SMTP server for tests (smtp-server), on a loopback port, that parses what it receives
 * with mailparser. Plain SMTP: STARTTLS is not offered, so nodemailer does not try to upgrade.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freeLoopbackPort } from '../../src/shared/db/processes.js';

export interface ReceivedMail {
  /** RCPT TO addresses of the SMTP envelope. */
  rcptTo: string[];
  mail: ParsedMail;
}

export interface TestSmtpServer {
  port: number;
  url: string;
  received: ReceivedMail[];
  close(): Promise<void>;
}

/** Starts a server on `port` (a free one by default). */
export async function startSmtpServer(port?: number): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const rcptTo = session.envelope.rcptTo.map((a) => a.address);
      simpleParser(stream).then(
        (mail) => {
          received.push({ rcptTo, mail });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  const listenOn = port ?? (await freeLoopbackPort());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenOn, '127.0.0.1', () => resolve());
  });
  return {
    port: listenOn,
    url: `smtp://127.0.0.1:${listenOn}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
