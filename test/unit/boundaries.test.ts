/**
 * The house rules (.dependency-cruiser.cjs) hold on src/, and they can fail: the same rules, run on a
 * small tree written here with one of each kind of break, name every one of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import type { ICruiseResult, IViolation } from 'dependency-cruiser';

const ROOT = path.resolve(__dirname, '..', '..');
const require_ = createRequire(__filename);
const rules = require_(path.join(ROOT, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> };

async function violationsIn(baseDir: string): Promise<IViolation[]> {
  // An ES module only: imported, not required.
  const { cruise } = await import('dependency-cruiser');
  const result = await cruise(['src'], { ...rules.options, ruleSet: { forbidden: rules.forbidden }, baseDir, validate: true, tsConfig: { fileName: path.join(ROOT, 'tsconfig.json') } } as never);
  return (result.output as ICruiseResult).summary.violations;
}

function describeViolation(v: IViolation): string {
  return `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' → ')})` : ''}`;
}

describe('module boundaries (dependency-cruiser)', function () {
  this.timeout(60_000);

  it('when src/ is cruised with the house rules, then nothing breaks them', async () => {
    const violations = await violationsIn(ROOT);
    expect(violations.map(describeViolation)).to.deep.equal([]);
  });

  describe('when a tree breaks each rule once', () => {
    const dir = path.join(ROOT, 'test', `.boundaries-fixture-${process.pid}`);
    const files: Record<string, string> = {
      'src/shared/util.ts': 'export const one = 1;\n',
      'src/cases/index.ts': "export { CaseModel } from './case.model.js';\n",
      'src/cases/case.model.ts': "import { one } from '../shared/util.js';\nexport const CaseModel = { one };\n",
      'src/cases/intake.ts': "import { detect } from '../recurring/index.js';\nexport const intake = detect;\n",
      'src/recurring/index.ts': "export { detect } from './detect.js';\n",
      'src/recurring/detect.ts': "import { CaseModel } from '../cases/case.model.js';\nexport const detect = CaseModel;\n",
      'src/sla/index.ts': "export { a } from './a.js';\n",
      'src/sla/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/sla/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      'src/reports/index.ts': "import { one } from '../shared/util.js';\nexport const r = one;\n",
    };
    let violations: IViolation[] = [];

    before(async () => {
      for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
      }
      violations = await violationsIn(dir);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const named = (rule: string): string[] => violations.filter((v) => v.rule.name === rule).map((v) => `${v.from} → ${v.to}`);

    it('then a lower module importing a higher one is named (cases → recurring)', () => {
      expect(named('layers-cases')).to.deep.equal(['src/cases/intake.ts → src/recurring/index.ts']);
    });
    it("then a module's internals imported past its face are named", () => {
      expect(named('module-face')).to.deep.equal(['src/recurring/detect.ts → src/cases/case.model.ts']);
    });
    it('then the case model touched outside cases/ is named', () => {
      expect(named('cases-own-the-case-model')).to.deep.equal(['src/recurring/detect.ts → src/cases/case.model.ts']);
    });
    it('then an import circle is named', () => {
      const circles = named('no-circular');
      expect(circles).to.have.lengthOf(1);
      expect(['src/sla/a.ts → src/sla/b.ts', 'src/sla/b.ts → src/sla/a.ts']).to.include(circles[0]);
    });
    it('then a module without a place in the layers is named', () => {
      expect(named('module-in-a-layer')).to.deep.equal(['src/reports/index.ts → src/shared/util.ts']);
    });
  });
});
