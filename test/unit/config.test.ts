import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig, withJwtSecret } from '../../src/config/index.js';

describe('config', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    const config = loadConfig({});
    expect(config.port).to.equal(3000);
    expect(config.nodeEnv).to.equal('development');
    expect(config.deploymentProfile).to.equal('bh');
    expect(config.embeddedEngine).to.equal('auto');
    expect(config.mongodbUri).to.equal(undefined);
    expect(config.dataDir).to.equal(path.resolve('./data'));
    expect(config.publicUrl).to.equal('http://localhost:3000');
  });

  it('when PORT is not a number, then loading fails naming PORT', () => {
    expect(() => loadConfig({ PORT: 'abc' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/PORT/);
  });

  it('when several keys are bad, then every one of them is listed at once', () => {
    try {
      loadConfig({ PORT: 'abc', MONGODB_URI: 'http://x', LOG_LEVEL: 'loud', DEPLOYMENT_PROFILE: 'Bahrain!' });
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.key)).to.have.members(['PORT', 'MONGODB_URI', 'LOG_LEVEL', 'DEPLOYMENT_PROFILE']);
    }
  });

  it('when running in production without JWT_SECRET, then loading fails naming JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, /JWT_SECRET/);
  });

  it('when a JWT_SECRET is too short, then it is refused', () => {
    expect(() => loadConfig({ JWT_SECRET: 'short' })).to.throw(ConfigError, /JWT_SECRET/);
  });

  it('when a variable is empty, then it counts as unset', () => {
    expect(loadConfig({ PORT: '', MONGODB_URI: '' }).port).to.equal(3000);
  });

  it('when no JWT_SECRET is given outside production, then one is generated once and kept in DATA_DIR', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-config-'));
    try {
      const first = withJwtSecret(loadConfig({ DATA_DIR: dir })).jwtSecret;
      const second = withJwtSecret(loadConfig({ DATA_DIR: dir })).jwtSecret;
      expect(first).to.have.length.greaterThan(40);
      expect(second).to.equal(first);
      expect(fs.statSync(path.join(dir, 'jwt-secret')).mode & 0o077).to.equal(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when RETENTION_YEARS is unset, then ended cases keep personal data for 5 years; whole years from 1 to 50 are accepted, anything else is refused', () => {
    expect(loadConfig({}).retentionYears).to.equal(5);
    expect(loadConfig({ RETENTION_YEARS: '1' }).retentionYears).to.equal(1);
    expect(loadConfig({ RETENTION_YEARS: '50' }).retentionYears).to.equal(50);
    for (const bad of ['0', '51', '2.5', 'five', '-3']) {
      expect(() => loadConfig({ RETENTION_YEARS: bad }), bad).to.throw(ConfigError, /RETENTION_YEARS/);
    }
  });

  it('when DB_OPERATION_TIMEOUT_MS is unset, then one database operation may wait 10 s; 1 s to 10 min are accepted, anything else is refused', () => {
    expect(loadConfig({}).dbOperationTimeoutMs).to.equal(10_000);
    expect(loadConfig({ DB_OPERATION_TIMEOUT_MS: '3000' }).dbOperationTimeoutMs).to.equal(3000);
    for (const bad of ['999', '600001', 'soon']) {
      expect(() => loadConfig({ DB_OPERATION_TIMEOUT_MS: bad }), bad).to.throw(ConfigError, /DB_OPERATION_TIMEOUT_MS/);
    }
  });
});

