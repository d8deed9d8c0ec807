import { Router } from 'express';
import type { Clock } from '../shared/clock.js';
import { ServiceUnavailableError } from '../shared/errors.js';
import { getDirectory } from './directory.service.js';

/**
 * `GET /api/v1/directory`: the profile's municipalities with areas, agencies and the categories
 * offered now (inside their window), and under `notOffered` what old cases may still name.
 */
export function directoryRouter(profile: string, clock: Clock): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const directory = await getDirectory(profile, clock.now());
    if (!directory) throw new ServiceUnavailableError('DIRECTORY_NOT_SEEDED', `The directory of profile ${profile} has not been loaded (run: npm run cli -- seed).`);
    res.set('Cache-Control', 'public, max-age=300').json(directory);
  });
  return router;
}
