/**
 * `npm run cli -- <command> [options]`. Uses the same configuration and database chain as
 * `npm start`, so both see the same data.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readProfileData, seedDirectory } from './directory/index.js';
import { startRuntime, type Runtime } from './runtime.js';

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
      return `Seeded profile ${report.profile}: ${report.inserted} inserted, ${report.existing} already present.`;
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
    process.stderr.write(`${(err as Error).message}\n`);
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
