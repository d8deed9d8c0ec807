/**
 * The one place that reads the environment. Everything else receives a `Config`.
 * Validation lists every bad or missing key at once, so an operator fixes them in one go.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Joi from 'joi';

export type NodeEnv = 'development' | 'production' | 'test';
export type EmbeddedEngine = 'auto' | 'mongod' | 'ferretdb';

export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly port: number;
  readonly mongodbUri: string | undefined;
  readonly embeddedEngine: EmbeddedEngine;
  readonly dataDir: string;
  readonly publicUrl: string;
  readonly jwtSecret: string | undefined;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly logLevel: string;
  readonly deploymentProfile: string;
  readonly trustProxy: boolean;
  /** Cases one client address may file per 15 minutes, and case look-ups per 15 minutes. */
  readonly rateLimitFiling: number;
  readonly rateLimitTracking: number;
  /** Sign-in and registration attempts one client address may make per 15 minutes. */
  readonly rateLimitSignIn: number;
  /** Failed sign-ins one account may receive per 15 minutes, from any address. */
  readonly rateLimitSignInAccount: number;
  /** How often each instance runs the SLA escalation sweep. */
  readonly slaSweepIntervalSeconds: number;
  /** How long one database operation may wait for an answer before the request gets 503. */
  readonly dbOperationTimeoutMs: number;
  /** Probability the text classifier's agency must reach to route a case (0: the margin alone decides). */
  readonly classifierThreshold: number;
  /** How far the classifier's agency must lead the runner-up to route a case; otherwise it goes to triage. */
  readonly classifierMargin: number;
  /** Probability the category a case is routed with must reach itself; otherwise it goes to triage. */
  readonly classifierMinCategory: number;
  /** Hours between scheduled retrainings of the classifier (0: only on demand). */
  readonly classifierRetrainHours: number;
  /** Bearer token that `/metrics` requires; unset: `/metrics` does not exist (404). */
  readonly metricsToken: string | undefined;
  /** Whole years an ended case keeps its personal data before it is anonymised (PDPL retention). */
  readonly retentionYears: number;
  /** Days a sent (or failed, cancelled) email keeps its address in the outbox. */
  readonly outboxKeepDays: number;
}

/** mongodb:// or mongodb+srv://, optional credentials, one host or several (name, IPv4 or [IPv6], optional port), optional /database and ?options. */
const MONGODB_HOST = String.raw`(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?`;
const MONGODB_URI = new RegExp(String.raw`^mongodb(?:\+srv)?://(?:[^\s/?#@]+@)?${MONGODB_HOST}(?:,${MONGODB_HOST})*(?:/[^\s/?#]*)?(?:\?[^\s#]*)?$`);

const schema = Joi.object({
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  PORT: Joi.number().integer().min(0).max(65535).default(3000),
  // A replica set's URI lists its members (mongodb://a:27017,b:27017/db?replicaSet=rs0), which a
  // generic URI check refuses. The message never quotes the value (it can hold a password).
  MONGODB_URI: Joi.string()
    .pattern(MONGODB_URI)
    .messages({ 'string.pattern.base': 'must be a mongodb:// or mongodb+srv:// connection string: [user:password@]host[:port][,host[:port]...][/database][?options]' }),
  EMBEDDED_DB: Joi.string().valid('auto', 'mongod', 'ferretdb').default('auto'),
  DATA_DIR: Joi.string().default('./data'),
  PUBLIC_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  JWT_SECRET: Joi.string().min(32).when('NODE_ENV', { is: 'production', then: Joi.required() }),
  SMTP_URL: Joi.string().uri({ scheme: ['smtp', 'smtps'] }),
  MAIL_FROM: Joi.string().default('Tawasul <no-reply@tawasul.localhost>'),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  DEPLOYMENT_PROFILE: Joi.string().pattern(/^[a-z][a-z0-9-]{0,31}$/).default('bh'),
  TRUST_PROXY: Joi.boolean().truthy('1').falsy('0').default(false),
  RATE_LIMIT_FILING: Joi.number().integer().min(1).default(30),
  RATE_LIMIT_TRACKING: Joi.number().integer().min(1).default(300),
  RATE_LIMIT_SIGNIN: Joi.number().integer().min(1).default(20),
  RATE_LIMIT_SIGNIN_ACCOUNT: Joi.number().integer().min(1).default(5),
  SLA_SWEEP_INTERVAL_SECONDS: Joi.number().integer().min(5).max(3600).default(60),
  DB_OPERATION_TIMEOUT_MS: Joi.number().integer().min(1000).max(600_000).default(10_000),
  CLASSIFIER_THRESHOLD: Joi.number().min(0).max(1).default(0),
  CLASSIFIER_MARGIN: Joi.number().min(0).max(1).default(0.2),
  CLASSIFIER_MIN_CATEGORY: Joi.number().min(0).max(1).default(0.25),
  CLASSIFIER_RETRAIN_HOURS: Joi.number().min(0).max(24 * 30).default(24),
  RETENTION_YEARS: Joi.number().integer().min(1).max(50).default(5),
  OUTBOX_KEEP_DAYS: Joi.number().integer().min(1).max(3650).default(90),
  // Characters a Bearer credential may carry (RFC 6750 token68), at least 32 of them. The message never quotes the value.
  METRICS_TOKEN: Joi.string()
    .min(32)
    .pattern(/^[A-Za-z0-9._~+/=-]+$/)
    .messages({ 'string.pattern.base': 'may hold only the characters of a Bearer token: A-Z a-z 0-9 . _ ~ + / = -' }),
}).unknown(true);

export class ConfigError extends Error {
  constructor(readonly problems: { key: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p.key}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

interface RawEnv {
  NODE_ENV: NodeEnv;
  PORT: number;
  MONGODB_URI?: string;
  EMBEDDED_DB: EmbeddedEngine;
  DATA_DIR: string;
  PUBLIC_URL?: string;
  JWT_SECRET?: string;
  SMTP_URL?: string;
  MAIL_FROM: string;
  LOG_LEVEL: string;
  DEPLOYMENT_PROFILE: string;
  TRUST_PROXY: boolean;
  RATE_LIMIT_FILING: number;
  RATE_LIMIT_TRACKING: number;
  RATE_LIMIT_SIGNIN: number;
  RATE_LIMIT_SIGNIN_ACCOUNT: number;
  SLA_SWEEP_INTERVAL_SECONDS: number;
  DB_OPERATION_TIMEOUT_MS: number;
  CLASSIFIER_THRESHOLD: number;
  CLASSIFIER_MARGIN: number;
  CLASSIFIER_MIN_CATEGORY: number;
  CLASSIFIER_RETRAIN_HOURS: number;
  METRICS_TOKEN?: string;
  RETENTION_YEARS: number;
  OUTBOX_KEEP_DAYS: number;
}

/** Validates `env` (normally `process.env`); throws a ConfigError naming every bad key. Pure. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  // An empty variable is treated as unset, as shells and .env files often leave them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.validate(cleaned, { abortEarly: false, convert: true });
  const error = result.error;
  if (error) {
    throw new ConfigError(
      error.details.map((d) => ({ key: String(d.path[0] ?? d.context?.key ?? '?'), message: d.message.replace(/^"[^"]+" /, '') })),
    );
  }
  const v = result.value as RawEnv;
  return Object.freeze({
    nodeEnv: v.NODE_ENV,
    port: v.PORT,
    mongodbUri: v.MONGODB_URI,
    embeddedEngine: v.EMBEDDED_DB,
    dataDir: path.resolve(v.DATA_DIR),
    publicUrl: (v.PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ''),
    jwtSecret: v.JWT_SECRET,
    smtpUrl: v.SMTP_URL,
    mailFrom: v.MAIL_FROM,
    logLevel: v.LOG_LEVEL,
    deploymentProfile: v.DEPLOYMENT_PROFILE,
    trustProxy: v.TRUST_PROXY,
    rateLimitFiling: v.RATE_LIMIT_FILING,
    rateLimitTracking: v.RATE_LIMIT_TRACKING,
    rateLimitSignIn: v.RATE_LIMIT_SIGNIN,
    rateLimitSignInAccount: v.RATE_LIMIT_SIGNIN_ACCOUNT,
    slaSweepIntervalSeconds: v.SLA_SWEEP_INTERVAL_SECONDS,
    dbOperationTimeoutMs: v.DB_OPERATION_TIMEOUT_MS,
    classifierThreshold: v.CLASSIFIER_THRESHOLD,
    classifierMargin: v.CLASSIFIER_MARGIN,
    classifierMinCategory: v.CLASSIFIER_MIN_CATEGORY,
    classifierRetrainHours: v.CLASSIFIER_RETRAIN_HOURS,
    metricsToken: v.METRICS_TOKEN,
    retentionYears: v.RETENTION_YEARS,
    outboxKeepDays: v.OUTBOX_KEEP_DAYS,
  });
}

/**
 * Outside production a missing JWT_SECRET is generated once and kept in DATA_DIR, so that tokens
 * survive a restart and `npm start` and the CLI agree. Production requires it (checked above).
 */
export function withJwtSecret(config: Config): Config & { jwtSecret: string } {
  if (config.jwtSecret) return config as Config & { jwtSecret: string };
  const file = path.join(config.dataDir, 'jwt-secret');
  fs.mkdirSync(config.dataDir, { recursive: true });
  let secret: string;
  try {
    secret = fs.readFileSync(file, 'utf8').trim();
  } catch {
    secret = crypto.randomBytes(48).toString('base64url');
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    } catch {
      secret = fs.readFileSync(file, 'utf8').trim(); // another process wrote it first
    }
  }
  return Object.freeze({ ...config, jwtSecret: secret });
}

export {
  PROFILES_ROOT,
  ProfileError,
  listProfileFolders,
  readProfileFolder,
  loadProfileFolder,
  profileIdentity,
  checkProfileIdentity,
  unknownProfileMessage,
  type ProfileFolder,
  type ProfileIdentity,
  type ContactCentre,
} from './profile-folder.js';
