/**
 * The whole-profile validator: one folder, profiles/<code>/ (profiles/README.md), checked across
 * all its files, every problem listed with the file it is in. Each module checks its own part
 * (config: reading and profile.json; directory: the taxonomy; sla: calendars and SLA targets;
 * classification: seed phrases and place names); this file, above them all, puts them together.
 * `npm start` refuses a profile with problems (runtime.ts); `npm run cli -- profile:check` prints them.
 */
import { checkProfileIdentity, PROFILES_ROOT, ProfileError, readProfileFolder, type ProfileFolder } from './config/index.js';
import { checkTaxonomy, taxonomyCodes } from './directory/index.js';
import { checkCalendarFile, checkSlaTargets } from './sla/index.js';
import { checkPlaces, checkSeeds } from './classification/index.js';

const inFile = (code: string, file: string, problems: string[]): string[] => problems.map((p) => `${code}/${file}: ${p}`);

function identityProblems(folder: ProfileFolder): string[] {
  if (folder.profile === undefined) return [];
  const profile = folder.profile as { sla?: unknown; calendar?: unknown };
  const problems = [...checkProfileIdentity(folder.profile, folder.code), ...(profile.sla !== undefined ? checkSlaTargets(profile.sla) : [])];
  if (typeof profile.calendar === 'string' && !(profile.calendar in folder.calendars)) {
    problems.push(`calendar "${profile.calendar}" has no file calendars/${profile.calendar}.json`);
  } else if (typeof profile.calendar === 'string') {
    problems.push(...agreesWithCalendar(folder.profile as ProfileLike, folder.calendars[profile.calendar] as ProfileLike));
  }
  return inFile(folder.code, 'profile.json', problems);
}

type ProfileLike = { calendar?: unknown; timezone?: unknown; weekend?: unknown };

/** The profile's time zone and weekend are those of its calendar (a second copy that could drift apart). */
function agreesWithCalendar(profile: ProfileLike, calendar: ProfileLike): string[] {
  const problems: string[] = [];
  const days = (w: unknown): string => (Array.isArray(w) ? [...(w as unknown[])].map(String).sort().join(',') : String(w));
  if (calendar.timezone !== undefined && profile.timezone !== calendar.timezone) {
    problems.push(`timezone ${JSON.stringify(profile.timezone)} is not its calendar's ${JSON.stringify(calendar.timezone)} (calendars/${String(profile.calendar)}.json)`);
  }
  if (calendar.weekend !== undefined && days(profile.weekend) !== days(calendar.weekend)) {
    problems.push(`weekend ${JSON.stringify(profile.weekend)} is not its calendar's ${JSON.stringify(calendar.weekend)} (calendars/${String(profile.calendar)}.json)`);
  }
  return problems;
}

function referenceProblems(folder: ProfileFolder): string[] {
  if (folder.directory === undefined) return [];
  const codes = taxonomyCodes(folder.directory);
  return [
    ...(folder.seeds !== undefined ? inFile(folder.code, 'seeds.json', checkSeeds(folder.seeds, codes.categories)) : []),
    ...(folder.places !== undefined ? inFile(folder.code, 'places.json', checkPlaces(folder.places, codes.areas)) : []),
  ];
}

/** Every problem of profiles/<code>/ (empty: it is fine). An unknown code is one problem naming the known ones. */
export function profileProblems(code: string, root = PROFILES_ROOT): string[] {
  let reading: ReturnType<typeof readProfileFolder>;
  try {
    reading = readProfileFolder(code, root);
  } catch (err) {
    if (err instanceof ProfileError) return err.problems;
    throw err;
  }
  const { folder, problems } = reading;
  return [
    ...problems,
    ...identityProblems(folder),
    ...(folder.directory !== undefined ? inFile(code, 'directory.json', checkTaxonomy(folder.directory)) : []),
    ...Object.entries(folder.calendars).flatMap(([file, raw]) => inFile(code, `calendars/${file}.json`, checkCalendarFile(file, raw))),
    ...referenceProblems(folder),
  ];
}

/** Throws one ProfileError listing every problem of profiles/<code>/, if it has any. */
export function assertProfile(code: string, root = PROFILES_ROOT): void {
  const problems = profileProblems(code, root);
  if (problems.length) throw new ProfileError(code, problems);
}
