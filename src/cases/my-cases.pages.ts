/** "My cases": a signed-in citizen's own cases, newest first, 100 a page (cursor links). */
import { Router, type RequestHandler } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import { dateLocale, requestLanguage } from '../shared/i18n.js';
import { cursorFromQuery, pageHref } from '../shared/pagination.js';
import { principalOf, requireRole } from '../users/index.js';
import { listCases } from './list.service.js';
import { directoryOrFail } from './page-support.js';

export function myCasesPagesRouter(deps: ModuleDeps): Router {
  const router = Router();
  router.get('/my/cases', requireRole('citizen'), myCases(deps));
  return router;
}

function myCases(deps: ModuleDeps): RequestHandler {
  return async (req, res) => {
    const cursor = cursorFromQuery(req.query, req.t);
    const page = await listCases(principalOf(res)!, { sort: '-createdAt', limit: 100, cursor }, deps.clock.now(), deps.config.deploymentProfile);
    const dir = await directoryOrFail(deps.config.deploymentProfile);
    const lang = requestLanguage(req);
    const formatter = new Intl.DateTimeFormat(dateLocale(lang, deps.config.deploymentProfile), { dateStyle: 'medium', timeZone: dir.profile.timezone });
    const pages = { first: cursor ? '/my/cases' : null, next: page.nextCursor ? pageHref('/my/cases', {}, page.nextCursor) : null };
    res.render('cases/mine', { title: req.t('work.myCases'), items: page.items, pages, formatDate: (iso: string) => formatter.format(new Date(iso)) });
  };
}
