/**
 * The whole-profile validator (src/profile-check.ts): a profile folder is checked across all its
 * files and every problem comes back in one list, each naming its file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { listProfileFolders, PROFILES_ROOT, ProfileError } from '../../src/config/index.js';
import { assertProfile, profileProblems } from '../../src/profile-check.js';

const readJson = (file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
const writeJson = (file: string, value: unknown): void => fs.writeFileSync(file, JSON.stringify(value, null, 2));

describe('deployment profile folders: the whole-profile validator', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-profiles-'));
    fs.cpSync(path.join(PROFILES_ROOT, 'bh'), path.join(root, 'bh'), { recursive: true });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('when the copy of bh is untouched, then it has no problem', () => {
    expect(profileProblems('bh', root)).to.deep.equal([]);
  });

  it('when several files each have a problem, then ONE error lists every one of them with its file', () => {
    const dir = path.join(root, 'bh');
    const directory = readJson(path.join(dir, 'directory.json')) as { categories: { code: string; owner: string }[]; agencies: { code: string }[] };
    directory.categories[0]!.owner = 'NO_SUCH_AGENCY';
    directory.agencies.push({ ...directory.agencies[0]! }); // a duplicate code
    writeJson(path.join(dir, 'directory.json'), directory);
    const seeds = readJson(path.join(dir, 'seeds.json'));
    writeJson(path.join(dir, 'seeds.json'), { ...seeds, NOT_A_CATEGORY: ['a phrase'] });
    const places = readJson(path.join(dir, 'places.json')) as unknown as object[];
    writeJson(path.join(dir, 'places.json'), [...places, { area: 'ATLANTIS', names: ['Atlantis'] }]);
    fs.rmSync(path.join(dir, 'calendars', 'BH.json')); // profile.json names calendar BH
    fs.writeFileSync(path.join(dir, 'calendars', 'XX.json'), '{ "code": "XX", '); // bad JSON
    const profile = readJson(path.join(dir, 'profile.json')) as { sla: { resolution: unknown } };
    profile.sla.resolution = { workingDays: 0 };
    writeJson(path.join(dir, 'profile.json'), profile);

    let error: unknown;
    try {
      assertProfile('bh', root);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ProfileError);
    const problems = (error as ProfileError).problems;
    const message = (error as ProfileError).message;
    const expected = [
      /^bh\/calendars\/XX\.json: not valid JSON/,
      /^bh\/directory\.json: category WASTE_COLLECTION is owned by unknown agency NO_SUCH_AGENCY$/,
      new RegExp(`^bh/directory\\.json: duplicate agency code ${directory.agencies[0]!.code}$`),
      /^bh\/seeds\.json: seed phrases for unknown category NOT_A_CATEGORY$/,
      /^bh\/places\.json: \[\d+\] names unknown area ATLANTIS$/,
      /^bh\/profile\.json: calendar "BH" has no file calendars\/BH\.json$/,
      /^bh\/profile\.json: sla\.resolution\.workingDays must be greater than or equal to 1$/,
    ];
    for (const re of expected) {
      expect(problems.some((p) => re.test(p)), `${re} in:\n${problems.join('\n')}`).to.equal(true);
      expect(message.split('\n').some((line) => re.test(line.replace(/^ {2}- /, ''))), `${re} in the message`).to.equal(true);
    }
    expect(problems).to.have.length(expected.length);
  });

  it('when profile.json lacks the contact centre and names another folder, then both are listed', () => {
    const file = path.join(root, 'bh', 'profile.json');
    const { contactCentre: _dropped, ...rest } = readJson(file);
    writeJson(file, { ...rest, profile: 'shj' });
    expect(profileProblems('bh', root)).to.have.members(['bh/profile.json: "contactCentre" is required', 'bh/profile.json: "profile" is "shj" but the folder is bh/']);
  });

  it('when profile.json gives another time zone or weekend than its calendar, then each disagreement is listed', () => {
    const file = path.join(root, 'bh', 'profile.json');
    writeJson(file, { ...readJson(file), timezone: 'Asia/Dubai', weekend: ['Sat', 'Fri', 'Sun'] });
    expect(profileProblems('bh', root)).to.deep.equal([
      'bh/profile.json: timezone "Asia/Dubai" is not its calendar\'s "Asia/Bahrain" (calendars/BH.json)',
      'bh/profile.json: weekend ["Sat","Fri","Sun"] is not its calendar\'s ["Fri","Sat"] (calendars/BH.json)',
    ]);
    writeJson(file, { ...readJson(file), timezone: 'Asia/Bahrain', weekend: ['Sat', 'Fri'] }); // the order does not matter
    expect(profileProblems('bh', root)).to.deep.equal([]);
  });

  it('when directory.json or profile.json is missing, then that is the problem, not a crash', () => {
    fs.rmSync(path.join(root, 'bh', 'directory.json'));
    expect(profileProblems('bh', root)).to.deep.equal(['bh/directory.json: missing']);
    fs.rmSync(path.join(root, 'bh', 'profile.json'));
    expect(profileProblems('bh', root)).to.deep.equal(['bh/profile.json: missing', 'bh/directory.json: missing']);
  });

  it('when an unknown profile is asked for, then the one problem names the known ones', () => {
    expect(profileProblems('atlantis', root)).to.deep.equal(['Unknown deployment profile "atlantis". Known profiles: bh.']);
    expect(() => assertProfile('atlantis', root)).to.throw(ProfileError, /Unknown deployment profile "atlantis"\. Known profiles: bh\./);
  });

  it('when the profile folders of the repository are checked, then every one of them is clean', () => {
    const codes = listProfileFolders();
    expect(codes).to.include('bh');
    for (const code of codes) expect(profileProblems(code), code).to.deep.equal([]);
  });
});
