/**
 * src/models.ts is the one list of models (registerModels): the server, the CLI and the test setup
 * build indexes for what it names, so a model missing from it would run without its indexes.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '../..');

/** The model names after models.ts alone and after all of src/, from a fresh process (test/support/model-names.ts). */
function modelNames(): Promise<{ registered: string[]; all: string[]; files: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/model-names.ts'], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as { registered: string[]; all: string[]; files: number }) : reject(new Error(`model-names exited ${code}: ${stderr}`)))),
  );
}

describe('registering the models', function () {
  this.timeout(30_000);

  it('when all of src/ is imported, then Mongoose knows no model that registerModels() did not already name', async () => {
    const { registered, all, files } = await modelNames();

    expect(files).to.be.above(100); // the walk really read src/
    expect(registered).to.include.members(['Case', 'User', 'AttachmentSlot', 'ClassifierVersion', 'RecurringIssue', 'SlaPolicy', 'Job']);
    expect(all).to.deep.equal(registered);
  });
});
