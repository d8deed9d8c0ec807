/** The home module: the front page and the language switch, mounted by app.ts. */
export { homeRouter } from './home.pages.js';
export { homeRouters } from './routers.js';
