import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { sameSecret } from '../../src/metrics/index.js';

describe('metrics: METRICS_TOKEN and the token check', () => {
  it('when METRICS_TOKEN is unset or empty, then metrics are off (no token)', () => {
    expect(loadConfig({}).metricsToken).to.equal(undefined);
    expect(loadConfig({ METRICS_TOKEN: '' }).metricsToken).to.equal(undefined);
  });

  it('when METRICS_TOKEN has 32 characters or more of a Bearer token, then it is kept as given', () => {
    const token = 'Ab0._~+/=-'.repeat(4);
    expect(loadConfig({ METRICS_TOKEN: token }).metricsToken).to.equal(token);
  });

  it('when METRICS_TOKEN is shorter than 32 characters, then loading fails naming it', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'x'.repeat(31) }))
      .to.throw(ConfigError)
      .with.property('problems')
      .that.deep.equals([{ key: 'METRICS_TOKEN', message: 'length must be at least 32 characters long' }]);
  });

  it('when METRICS_TOKEN holds a character a Bearer header cannot carry, then loading fails without quoting the value', () => {
    const secret = 'not a header value but long enough, secret-7f3a';
    try {
      loadConfig({ METRICS_TOKEN: secret });
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.key)).to.deep.equal(['METRICS_TOKEN']);
      expect((err as ConfigError).message).not.to.include('secret-7f3a');
    }
  });

  it('when two secrets are compared, then only the same string matches, whatever the lengths', () => {
    const token = 'metrics-token-0123456789-abcdefghijklmnop';
    expect(sameSecret(token, token)).to.equal(true);
    expect(sameSecret(`${token}x`, token)).to.equal(false);
    expect(sameSecret(token.slice(0, -1), token)).to.equal(false);
    expect(sameSecret('', token)).to.equal(false);
    expect(sameSecret(token.toUpperCase(), token)).to.equal(false);
  });
});
