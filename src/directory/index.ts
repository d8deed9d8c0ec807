export { directoryRouter } from './directory.routes.js';
export {
  seedDirectory,
  isDirectorySeeded,
  getDirectory,
  directoryEntry,
  lookupCodes,
  findAgency,
  agencyOffered,
  insideWindow,
  invalidateDirectoryCache,
  profileCalendarCode,
  type DirectoryView,
  type CategoryView,
  type SeedReport,
  type CodeLookup,
} from './directory.service.js';
export { readProfileData, parseProfileData, listProfileCodes, checkTaxonomy, taxonomyCodes, type ProfileData, type Taxonomy } from './profile-data.js';
export { AgencyModel, AreaModel, CategoryModel, ProfileModel, MUNICIPALITY_OWNER } from './directory.model.js';
export { DirectoryChangeModel } from './directory-change.model.js';
export { directoryRouters } from './routers.js';
