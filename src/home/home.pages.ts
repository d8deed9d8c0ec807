import { Router } from 'express';
import { BadRequestError } from '../shared/errors.js';
import { isLanguage, languageCookieName } from '../shared/i18n.js';
import { safeLocalPath } from '../shared/local-path.js';
import type { AppDeps } from '../shared/deps.js';
import { expectedWorkingDays } from '../sla/index.js';

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

/** The front page, and the language switch that sends the visitor back where they were (a local path only). */
export function homeRouter(deps: Pick<AppDeps, 'config' | 'clock'>): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    // The answer time every case is promised: the profile-wide SLA policy, else the national default.
    res.render('home', { slaDays: await expectedWorkingDays(deps.config.deploymentProfile, {}, deps.clock.now()) });
  });
  // The language switch is a plain link, so it works without JavaScript; the choice persists.
  router.get('/lang/:lang', (req, res) => {
    const lang = req.params.lang;
    if (!isLanguage(lang)) throw new BadRequestError('UNKNOWN_LANGUAGE', 'Choose ar or en.');
    res.cookie(languageCookieName(deps.config.nodeEnv === 'production'), lang, { maxAge: ONE_YEAR_MS, sameSite: 'lax', httpOnly: true, secure: deps.config.nodeEnv === 'production', path: '/' });
    res.redirect(303, safeLocalPath(req.query.next));
  });
  return router;
}
