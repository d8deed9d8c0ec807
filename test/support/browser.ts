/**
 * A real headless Chromium (Debian's package, never a downloaded build) driven by playwright-core,
 * against the app served on a loopback port in this process.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import type { Express } from 'express';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium), or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export async function serve(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a page test with email needs: the app on a loopback port, a Chromium, an SMTP server receiving the mail. */
export interface MailStage {
  site: { url: string; close: () => Promise<void> };
  browser: Browser;
  smtp: TestSmtpServer;
  close: () => Promise<void>;
}

/** Starts the SMTP server, serves `app` and launches Chromium; `close` stops all three. */
export async function openMailStage(app: Express): Promise<MailStage> {
  const smtp = await startSmtpServer();
  const site = await serve(app);
  const browser = await launchBrowser();
  return {
    site,
    browser,
    smtp,
    close: async () => {
      await browser.close();
      await site.close();
      await smtp.close();
    },
  };
}
