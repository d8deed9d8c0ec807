import { Router } from 'express';
import { BadRequestError } from '../shared/errors.js';
import { isLanguage, LANGUAGE_COOKIE } from '../shared/i18n.js';
import type { AppDeps } from '../shared/deps.js';
import { safeLocalPath } from '../shared/safe-path.js';

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

export function homeRouter(deps: Pick<AppDeps, 'config'>): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.render('home', { slaDays: 14 });
  });
  // The language switch is a plain link, so it works without JavaScript; the choice persists.
  router.get('/lang/:lang', (req, res) => {
    const lang = req.params.lang;
    if (!isLanguage(lang)) throw new BadRequestError('UNKNOWN_LANGUAGE', 'Choose ar or en.');
    res.cookie(LANGUAGE_COOKIE, lang, { maxAge: ONE_YEAR_MS, sameSite: 'lax', httpOnly: true, secure: deps.config.nodeEnv === 'production', path: '/' });
    res.redirect(303, safeLocalPath(req.query.next));
  });
  return router;
}
