/**
 * The SMTP transport. Created by whoever starts the relay (server.ts), never at import time.
 * No SMTP_URL means no transport: mail then waits in the outbox until one is configured.
 */
import nodemailer from 'nodemailer';

/** What the relay needs from a transport; a nodemailer transporter satisfies it. */
export interface MailTransport {
  sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html: string;
    /** An iCalendar invitation, sent as its text/calendar part (nodemailer's icalEvent). */
    icalEvent?: { method: string; filename: string; content: string };
    messageId?: string;
    headers?: Record<string, string>;
  }): Promise<{ messageId: string }>;
  close(): void;
}

export function createMailTransport(smtpUrl: string | undefined): MailTransport | null {
  if (!smtpUrl) return null;
  return nodemailer.createTransport({
    url: smtpUrl, // smtp:// or smtps://, credentials and options such as ?ignoreTLS=true in the URL
    // Messages are built only from our templates: no attachment or image may make nodemailer
    // read a local file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    // Fail fast rather than hold a relay lease for minutes (nodemailer's defaults: 2 min, 30 s, 10 min).
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
  });
}
