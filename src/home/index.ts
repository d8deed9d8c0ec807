/** The home module: the front page and the language switch, mounted by app.ts. */
export { homeRouter, safeLocalPath } from './home.pages.js';
