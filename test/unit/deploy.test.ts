/**
 * The production files (Dockerfile, .dockerignore, deploy/) are not run by the suite: no Docker
 * engine runs on the project's machines. This reads them and checks what can be checked without
 * one: the image (node:24, non-root, production dependencies, HEALTHCHECK on /readyz), and that the
 * compose file hands every app instance each setting production requires, as a configuration the
 * app's own validation accepts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** What production needs beyond what the schema itself requires (those are added from the schema below). */
const PRODUCTION_SETTINGS = ['NODE_ENV', 'JWT_SECRET', 'TRUST_PROXY', 'SMTP_URL', 'PUBLIC_URL', 'MONGODB_URI', 'METRICS_TOKEN'];

/** The keys the configuration schema refuses to go without when NODE_ENV=production. */
function requiredByTheSchema(): string[] {
  try {
    loadConfig({ NODE_ENV: 'production' });
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.filter((p) => /required/.test(p.message)).map((p) => p.key);
  }
}

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions (continuation lines joined, comments dropped), grouped by stage. */
function dockerfileStages(text: string): Instruction[][] {
  const joined = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const stages: Instruction[][] = [];
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const instruction = { keyword: m[1]!.toUpperCase(), args: m[2]!.trim() };
    if (instruction.keyword === 'FROM') stages.push([]);
    if (instruction.keyword !== 'ARG' || stages.length > 0) stages.at(-1)?.push(instruction);
  }
  return stages;
}

/** .dockerignore semantics, enough for our file: glob rules, the last matching one wins, a rule on a folder covers its contents. */
function dockerIgnored(rules: string[], file: string): boolean {
  let ignored = false;
  for (const raw of rules) {
    const negated = raw.startsWith('!');
    const rule = (negated ? raw.slice(1) : raw).replace(/\/+$/, '');
    const pattern = new RegExp(`^${rule.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '<any>').replace(/\*/g, '[^/]*').replace(/<any>/g, '.*')}(/.*)?$`);
    if (pattern.test(file)) ignored = !negated;
  }
  return ignored;
}

type Service = { image?: string; build?: unknown; command?: string[]; environment?: Record<string, string>; volumes?: string[]; networks?: string[]; depends_on?: Record<string, unknown>; healthcheck?: { disable?: boolean } };

describe('production files (Dockerfile, deploy/compose.yaml; parsed, not run)', () => {
  const compose = parse(read('deploy/compose.yaml'), { merge: true }) as { services: Record<string, Service>; networks: Record<string, { internal?: boolean } | null> };
  const services = compose.services;
  const appServices = Object.entries(services).filter(([, s]) => s.build !== undefined && !s.command);
  const mongoServices = Object.entries(services).filter(([, s]) => /^mongo:/.test(s.image ?? '') && s.command?.[0] === 'mongod');

  describe('compose', () => {
    it('when the configuration schema is read, then the settings it requires in production are among those checked', () => {
      const fromSchema = requiredByTheSchema();
      expect(fromSchema).to.include('JWT_SECRET');
      for (const key of fromSchema) expect(PRODUCTION_SETTINGS).to.include(key);
    });

    it('when parsed, then it runs at least two app instances, built from the Dockerfile, and none publishes a port of its own', () => {
      expect(appServices.map(([name]) => name)).to.have.length.of.at.least(2);
      for (const [name, s] of appServices) {
        expect(s.build, name).to.deep.include({ context: '..', dockerfile: 'Dockerfile' });
        expect(s, name).not.to.have.property('ports');
      }
    });

    it('when parsed, then every app instance is given each setting production requires, secrets from the environment, never written in the file', () => {
      const required = [...new Set([...PRODUCTION_SETTINGS, ...requiredByTheSchema()])];
      for (const [name, s] of appServices) {
        const env = s.environment ?? {};
        for (const key of required) expect(env[key], `${name}: ${key}`).to.be.a('string').and.not.equal('');
        expect(env.NODE_ENV, name).to.equal('production');
        for (const secret of ['JWT_SECRET', 'METRICS_TOKEN', 'SMTP_URL', 'PUBLIC_URL']) expect(env[secret], `${name}: ${secret}`).to.match(new RegExp(`^\\$\\{${secret}:\\?[^}]+\\}$`));
      }
    });

    it('when its variables are filled in, then each app instance\'s environment is a production configuration the app accepts: proxy trusted, metrics on, the replica set named', () => {
      const given: Record<string, string> = { JWT_SECRET: 'j'.repeat(48), METRICS_TOKEN: 'm'.repeat(40), SMTP_URL: 'smtp://relay.example.test:587', PUBLIC_URL: 'https://tawasul.example.test' };
      const interpolate = (value: string): string =>
        value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::([?-])([^}]*))?\}/g, (_all, name: string, kind?: string, rest?: string) => {
          if (given[name] !== undefined) return given[name];
          if (kind === '-') return rest ?? '';
          throw new Error(`${name} has no value in this test`);
        });
      for (const [name, s] of appServices) {
        const env = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
        const config = loadConfig(env);
        expect(config.nodeEnv, name).to.equal('production');
        expect(config.trustProxy, name).to.equal(true);
        expect(config.metricsToken, name).to.equal(given.METRICS_TOKEN);
        expect(config.smtpUrl, name).to.equal(given.SMTP_URL);
        expect(config.publicUrl, name).to.equal(given.PUBLIC_URL);
        const uri = new URL(config.mongodbUri!.replace(/^mongodb:\/\/([^/]+)/, 'mongodb://hosts'));
        expect(uri.searchParams.get('replicaSet'), name).to.equal('rs0');
        const hosts = /^mongodb:\/\/([^/]+)\//.exec(config.mongodbUri!)![1]!.split(',');
        expect(hosts.map((h) => h.split(':')[0]).sort(), name).to.deep.equal(mongoServices.map(([m]) => m).sort());
      }
    });

    it('when parsed, then MongoDB is a three-member replica set that an init step initiates with those members, on a network with no way out', () => {
      expect(mongoServices).to.have.length(3);
      for (const [name, s] of mongoServices) {
        expect(s.command!.join(' '), name).to.match(/--replSet rs0\b/);
        expect(s.networks, name).to.deep.equal(['backend']);
      }
      expect(compose.networks.backend?.internal).to.equal(true);
      const init = services['mongo-init']!;
      expect(init.command!.slice(0, -1)).to.deep.equal(['mongosh', '--quiet', '--host', 'mongo1:27017', '--eval']);
      const script = init.command!.at(-1)!;
      expect(script, 'compose would read a $ as a variable').not.to.include('$');
      // The init step waits for every member to answer.
      expect(Object.keys(init.depends_on ?? {}).sort()).to.deep.equal(mongoServices.map(([m]) => m).sort());
      expect(script).to.match(/rs\.initiate\(/);
      expect(script).to.include("_id: 'rs0'");
      const members = [...script.matchAll(/host: '([a-z0-9-]+):27017'/g)].map((m) => m[1]);
      expect(members.sort()).to.deep.equal(mongoServices.map(([m]) => m).sort());
    });

    it('when parsed, then the reverse proxy (Caddy) balances over every app instance on /readyz and keeps /metrics off the public address', () => {
      const proxy = services.proxy!;
      expect(proxy.image).to.match(/^caddy:/);
      expect(proxy.volumes).to.deep.include('./Caddyfile:/etc/caddy/Caddyfile:ro');
      const caddyfile = read('deploy/Caddyfile');
      const upstreams = /reverse_proxy ([^{]+)\{/.exec(caddyfile)![1]!.trim().split(/\s+/);
      expect(upstreams.sort()).to.deep.equal(appServices.map(([name]) => `${name}:3000`).sort());
      expect(caddyfile).to.match(/health_uri \/readyz/);
      expect(caddyfile).to.match(/@metrics path \/metrics/);
      expect(caddyfile).to.match(/respond @metrics 404/);
      expect(caddyfile).not.to.match(/^\s*trusted_proxies/m);
    });

    it('when deploy/.env.example is read, then it names every variable the compose file requires', () => {
      const values = Object.values(services).flatMap((s) => Object.values(s.environment ?? {}).map(String));
      const requiredVariables = values.flatMap((v) => [...v.matchAll(/\$\{([A-Z_][A-Z0-9_]*):\?/g)].map((m) => m[1]!));
      expect(requiredVariables).to.include.members(['JWT_SECRET', 'METRICS_TOKEN', 'SMTP_URL', 'PUBLIC_URL']);
      const example = read('deploy/.env.example');
      for (const name of new Set(requiredVariables)) expect(example, name).to.match(new RegExp(`^${name}=`, 'm'));
      expect(read('deploy/.gitignore').split('\n')).to.include('.env');
    });
  });

  describe('Dockerfile', () => {
    const stages = dockerfileStages(read('Dockerfile'));
    const final = stages.at(-1)!;
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; scripts: Record<string, string> };

    it('when read, then it is multi-stage and every stage starts from node:24', () => {
      expect(stages).to.have.length.of.at.least(2);
      for (const stage of stages) expect(stage[0]!.args).to.match(/^node:24([-.@][^\s]*)?(\s+AS\s+\S+)?$/i);
    });

    it('when read, then the final stage runs as a non-root user, set before its command', () => {
      const users = final.filter((i) => i.keyword === 'USER');
      expect(users, 'a USER in the final stage').to.have.length.of.at.least(1);
      const user = users.at(-1)!.args.split(':')[0]!;
      expect(user).not.to.be.oneOf(['root', '0']);
      expect(final.findIndex((i) => i.keyword === 'USER')).to.be.below(final.findIndex((i) => i.keyword === 'CMD'));
    });

    it('when read, then the final stage has a HEALTHCHECK on /readyz', () => {
      const checks = final.filter((i) => i.keyword === 'HEALTHCHECK');
      expect(checks).to.have.length(1);
      expect(checks[0]!.args).not.to.match(/^NONE/i);
      expect(checks[0]!.args).to.include('/readyz');
    });

    it('when read, then dependencies come from npm ci --omit=dev and the command is what npm start runs (tsx, a runtime dependency)', () => {
      const runs = stages.flat().filter((i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args));
      expect(runs).to.have.length.of.at.least(1);
      for (const run of runs) expect(run.args).to.match(/\bnpm ci\b.*--omit=dev/);
      expect(pkg.dependencies).to.have.property('tsx');
      expect(pkg.scripts.start).to.equal('tsx src/server.ts');
      const cmd = JSON.parse(final.find((i) => i.keyword === 'CMD')!.args) as string[];
      expect(cmd).to.deep.equal(['node', '--import', 'tsx', 'src/server.ts']);
    });

    it('when read with .dockerignore, then everything the image copies exists and is sent to the build, and the rest stays out', () => {
      const rules = read('.dockerignore')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
      const sources = final.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1));
      expect(sources).to.include.members(['src', 'views', 'public', 'package.json', 'package-lock.json']);
      for (const source of sources) {
        expect(fs.existsSync(path.join(ROOT, source)), source).to.equal(true);
        expect(dockerIgnored(rules, source), `${source} is ignored`).to.equal(false);
      }
      for (const kept of ['node_modules', '.git', 'data/jwt-secret', 'data/engine.json', 'test', '.env']) expect(dockerIgnored(rules, kept), kept).to.equal(true);
    });
  });
});
