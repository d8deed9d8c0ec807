import { Router } from 'express';
import { ServiceUnavailableError } from '../shared/errors.js';
import { getDirectory } from './directory.service.js';

/** `GET /api/v1/directory`: the profile's municipalities with areas, agencies and categories. */
export function directoryRouter(profile: string): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const directory = await getDirectory(profile);
    if (!directory) throw new ServiceUnavailableError('DIRECTORY_NOT_SEEDED', `The directory of profile ${profile} has not been loaded (run: npm run cli -- seed).`);
    res.set('Cache-Control', 'public, max-age=300').json(directory);
  });
  return router;
}
