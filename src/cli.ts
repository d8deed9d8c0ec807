/**
 * `npm run cli -- <command> [options]`. Uses the same configuration and database chain as
 * `npm start`, so both see the same data.
 */
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { importHistoryFile, routingBarOf, trainAndStore, type ModelInfo } from './classification/index.js';
import { rebuildAndCompare } from './recurring/index.js';
import { readProfileData, seedDirectory } from './directory/index.js';
import { startRuntime, type Runtime } from './runtime.js';
import { listProfileFolders } from './config/index.js';
import { profileProblems } from './profile-check.js';
import { seedCalendars } from './sla/index.js';
import { AppError } from './shared/errors.js';
import { wireHooks } from './wiring.js';

const hooks = wireHooks();
import { createUser, disableUser } from './users/index.js';

interface Command {
  summary: string;
  options?: ParseArgsConfig['options'];
  /** Whether the command takes positional arguments (a file). */
  positionals?: boolean;
  run(runtime: Runtime, values: Record<string, unknown>, positionals: string[]): Promise<string>;
}

/** A command that needs neither the database nor a valid profile: it answers its output and exit code. */
interface OfflineCommand {
  summary: string;
  run(positionals: string[]): { output: string; code: number };
}

const OFFLINE: Record<string, OfflineCommand> = {
  'profile:check': {
    summary: 'Check a deployment profile folder whole (profiles/<code>/): profile:check [CODE], every folder when no code is given. Prints each problem, or "ok".',
    run(positionals) {
      const codes = positionals.length ? positionals : listProfileFolders();
      const lines: string[] = [];
      let code = 0;
      for (const profile of codes) {
        const problems = profileProblems(profile);
        if (problems.length) code = 1;
        lines.push(problems.length ? `${profile}: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}` : `${profile}: ok`);
      }
      return { output: lines.join('\n'), code };
    },
  },
};

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
  'history:import': {
    summary: 'Import resolved historical cases from a JSON Lines file (idempotent on ref), report rejected lines, then retrain the classifier: history:import FILE [--no-train].',
    options: { 'no-train': { type: 'boolean' } },
    positionals: true,
    async run(runtime, values, positionals) {
      const file = positionals[0];
      if (!file || positionals.length > 1) throw new Error('Give one file: npm run cli -- history:import FILE.jsonl');
      const profile = runtime.config.deploymentProfile;
      const bar = progressBar('Importing');
      const report = await importHistoryFile(path.resolve(file), profile, new Date(), (done, total) => bar.update(done, total));
      bar.stop();
      const lines = [
        `Read ${report.lines} line(s): ${report.imported} imported, ${report.alreadyPresent} already present, ${report.rejected.length} rejected.`,
        ...report.rejected.slice(0, 200).map((r) => `  line ${r.line}${r.ref ? ` (${r.ref})` : ''}: ${r.reason}`),
        ...(report.rejected.length > 200 ? [`  … and ${report.rejected.length - 200} more.`] : []),
      ];
      if (values['no-train'] !== true) lines.push(describeTraining(await trainAndStore(profile, new Date(), routingBarOf(runtime.config), 'cli history:import', hooks.correctedCases)));
      return lines.join('\n');
    },
  },
  'classifier:train': {
    summary: 'Train the text classifier on imported history and staff corrections; store it as a new version every instance uses.',
    async run(runtime) {
      return describeTraining(await trainAndStore(runtime.config.deploymentProfile, new Date(), routingBarOf(runtime.config), 'cli classifier:train', hooks.correctedCases));
    },
  },
  'recurring:rebuild': {
    summary: 'Rebuild the recurring-issue groups from scratch with the same rules and compare them with the incremental result (reads only).',
    async run(runtime) {
      const r = await rebuildAndCompare(runtime.config.deploymentProfile);
      const head = `Rebuilt ${r.rebuiltGroups} group(s) from ${r.cases} case(s) in ${r.ms} ms; incremental detection stored ${r.storedGroups}: ${r.agree ? 'they agree.' : 'they DIFFER.'}`;
      const diff = [...r.onlyStored.map((g) => `  only stored:  ${g.join(' ')}`), ...r.onlyRebuilt.map((g) => `  only rebuilt: ${g.join(' ')}`)];
      if (!r.agree) throw new Error([head, ...diff].join('\n'));
      return head;
    },
  },
};

function describeTraining(info: ModelInfo): string {
  const e = info.evaluation;
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  return [
    `Classifier version ${info.version} trained on ${info.examples.history} historical case(s) and ${info.examples.corrections} staff correction(s), with ${info.examples.seeds} seed phrase(s), in ${((info.trainMs ?? 0) / 1000).toFixed(1)} s.`,
    e
      ? `Held-out slice (${e.heldOut} cases, model trained on the other ${e.trainedOn}): category ${pct(e.categoryAccuracy)}; routing (threshold ${e.threshold}, margin ${e.margin}${e.minCategory !== undefined ? `, category at least ${e.minCategory}` : ''}): agency correct ${pct(e.agencyCorrect)}, misrouted ${pct(e.misrouted)}, triaged ${pct(e.triaged)}.`
      : 'No held-out slice: nothing measured.',
  ].join('\n');
}

/** A progress bar on an interactive terminal (stderr); plain lines otherwise, so logs stay readable. */
function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  if (!process.stderr.isTTY) {
    let last = -1;
    return {
      update(done, total) {
        const step = Math.floor((done / Math.max(1, total)) * 10);
        if (step !== last) process.stderr.write(`${label}: ${done}/${total}\n`);
        last = step;
      },
      stop() {},
    };
  }
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} lines`, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function usage(): string {
  const all: [string, { summary: string }][] = [...Object.entries(COMMANDS), ...Object.entries(OFFLINE)];
  return ['Usage: npm run cli -- <command> [options]', '', 'Commands:', ...all.map(([name, c]) => `  ${name.padEnd(18)} ${c.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 64;
  }
  const offline = OFFLINE[name];
  if (offline) {
    const { output, code } = offline.run(rest);
    process.stdout.write(`${output}\n`);
    return code;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}\n`);
    return 64; // EX_USAGE
  }
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: rest, options: command.options ?? {}, strict: true, allowPositionals: command.positionals === true }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 64;
  }
  const runtime = await startRuntime(process.env);
  try {
    process.stdout.write(`${await command.run(runtime, values, positionals)}\n`);
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
