import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('config: MONGODB_URI', () => {
  it('when it lists the members of a replica set, then it is accepted as given (production runs on one)', () => {
    for (const uri of [
      'mongodb://mongo1:27017,mongo2:27017,mongo3:27017/tawasul?replicaSet=rs0&w=majority',
      'mongodb://app:p%40ss@10.0.0.5:27017,10.0.0.6:27017/tawasul?replicaSet=rs0&authSource=admin',
      'mongodb+srv://app:secret@cluster0.example.net/tawasul?retryWrites=true',
      'mongodb://[::1]:27017/tawasul',
      'mongodb://127.0.0.1:27017/tawasul',
      'mongodb://localhost',
    ]) {
      expect(loadConfig({ MONGODB_URI: uri }).mongodbUri, uri).to.equal(uri);
    }
  });

  it('when it is not a MongoDB connection string, then loading fails naming MONGODB_URI, without quoting it (it can hold a password)', () => {
    for (const uri of ['http://x', 'mongodb://', 'mongodb://user:hunter2-secret@', 'mongodb://a b/c', 'mongodb://user:hunter2-secret@host,/x', 'postgres://user:hunter2-secret@db/x']) {
      try {
        loadConfig({ MONGODB_URI: uri });
        expect.fail(`accepted ${uri}`);
      } catch (err) {
        expect(err, uri).to.be.instanceOf(ConfigError);
        expect((err as ConfigError).problems.map((p) => p.key), uri).to.deep.equal(['MONGODB_URI']);
        expect((err as ConfigError).message, uri).not.to.include('hunter2');
      }
    }
  });
});
