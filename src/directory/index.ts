export { directoryRouter } from './directory.routes.js';
export { seedDirectory, isDirectorySeeded, getDirectory, lookupCodes, findAgency, invalidateDirectoryCache, profileCalendarCode, type DirectoryView, type SeedReport, type CodeLookup } from './directory.service.js';
export { readProfileData, parseProfileData, listProfileCodes, checkTaxonomy, taxonomyCodes, type ProfileData, type Taxonomy } from './profile-data.js';
export { AgencyModel, AreaModel, CategoryModel, ProfileModel, MUNICIPALITY_OWNER } from './directory.model.js';
export { directoryRouters } from './routers.js';
