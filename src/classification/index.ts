/**
 * Text classification (issue #5), the module's public face. Everything here is pure: no I/O, no
 * database. The service that stores models, imports history and retrains builds on these.
 */
export { normaliseText, tokenise } from './normalise.js';
export { textFeatures, contentWords, DEFAULT_FEATURE_OPTIONS, type FeatureOptions } from './features.js';
export { train, classify, MODEL_FORMAT, type Model, type LabelledText, type TrainOptions, type Classification, type Candidate } from './model.js';
export { type KeywordRule, type KeywordMatch } from './keywords.js';
export { findArea, placeWords, type PlaceArea, type PlaceAlias, type PlaceMatch } from './places.js';
export { BH_PLACE_ALIASES } from './bh-place-aliases.js';
export { routeCase, type RouteDecision, type RouteRequest, type RouteSettings, type RoutingTaxonomy, type RoutedCandidate } from './route.js';
export { textOf, routeByText, routingBarOf } from './classifier.service.js';
export { placeAliasesOf, categorySeedsOf } from './profiles.js';
export { CONCEPTS } from './concepts.js';
