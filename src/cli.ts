/**
 * `npm run cli -- <command> [options]`. Uses the same configuration and database chain as
 * `npm start`, so both see the same data.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readProfileData, seedDirectory } from './directory/index.js';
import { startRuntime, type Runtime } from './runtime.js';
import { seedCalendars } from './sla/calendar.service.js';
import { AppError } from './shared/errors.js';
import { createUser, disableUser } from './users/index.js';

interface Command {
  summary: string;
  options?: ParseArgsConfig['options'];
  run(runtime: Runtime, values: Record<string, unknown>): Promise<string>;
}

const COMMANDS: Record<string, Command> = {
  seed: {
    summary: 'Load the reference directory of DEPLOYMENT_PROFILE (idempotent: never overwrites edits).',
    async run(runtime) {
      const report = await seedDirectory(readProfileData(runtime.config.deploymentProfile), new Date());
      const calendars = await seedCalendars(new Date());
      return `Seeded profile ${report.profile}: ${report.inserted} inserted, ${report.existing} already present; ${calendars} calendar(s) added.`;
    },
  },
  'users:create': {
    summary: 'Create an account: --email E --password P --role R [--agency CODE] [--name N] [--language ar|en] [--triage (supervisors)]. An existing email is left unchanged.',
    options: { email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, agency: { type: 'string' }, name: { type: 'string' }, language: { type: 'string' }, triage: { type: 'boolean' } },
    async run(runtime, values) {
      const missing = ['email', 'password', 'role'].filter((k) => typeof values[k] !== 'string');
      if (missing.length) throw new Error(`Missing ${missing.map((k) => `--${k}`).join(', ')}.`);
      const language = values.language as string | undefined;
      if (language !== undefined && language !== 'ar' && language !== 'en') throw new Error('--language must be ar or en.');
      const { status, user } = await createUser(
        {
          email: values.email as string,
          password: values.password as string,
          role: values.role as string,
          agency: values.agency as string | undefined,
          triage: values.triage === true,
          name: values.name as string | undefined,
          language,
        },
        { profile: runtime.config.deploymentProfile, now: new Date() },
      );
      const who = `${user.email} (${user.role}${user.agency ? `, ${user.agency}` : ''})`;
      return status === 'created' ? `Created ${who}, id ${user._id.toHexString()}.` : `User ${who} exists; nothing changed.`;
    },
  },
  'users:disable': {
    summary: 'Disable an account and end all its sessions: --email E.',
    options: { email: { type: 'string' } },
    async run(_runtime, values) {
      if (typeof values.email !== 'string') throw new Error('Missing --email.');
      const { user, alreadyDisabled } = await disableUser(values.email, new Date());
      return `${alreadyDisabled ? 'Was already disabled' : 'Disabled'}: ${user.email}; all its sessions are ended.`;
    },
  },
};

function usage(): string {
  return ['Usage: npm run cli -- <command> [options]', '', 'Commands:', ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(18)} ${c.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 64;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}\n`);
    return 64; // EX_USAGE
  }
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: rest, options: command.options ?? {}, strict: true, allowPositionals: false }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 64;
  }
  const runtime = await startRuntime(process.env);
  try {
    process.stdout.write(`${await command.run(runtime, values)}\n`);
    return 0;
  } catch (err) {
    // Validation problems are listed one per line, so each can be fixed.
    const details = err instanceof AppError && err.details?.length ? err.details.map((d) => `  - ${d.field}: ${d.message}`).join('\n') : '';
    process.stderr.write(`${details ? `Cannot ${name}:\n${details}` : (err as Error).message}\n`);
    return 1;
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
