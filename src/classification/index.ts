/**
 * Text classification and routing (issue #5), the module's public face. The pure core first
 * (normaliser, features, model, places, the routing rule and decision: no I/O), then the service
 * that stores models, imports history, retrains, and routes a new case (routeNewCase), and the
 * routers app.ts mounts.
 */
export { normaliseText, tokenise } from './normalise.js';
export { textFeatures, contentWords, DEFAULT_FEATURE_OPTIONS, type FeatureOptions } from './features.js';
export { train, classify, MODEL_FORMAT, type Model, type LabelledText, type TrainOptions, type Classification, type Candidate } from './model.js';
export { type KeywordRule, type KeywordMatch } from './keywords.js';
export { findArea, placeWords, type PlaceArea, type PlaceAlias, type PlaceMatch } from './places.js';
export { placeAliasesOf, categorySeedsOf, checkSeeds, checkPlaces, seedExamples, type CategorySeeds } from './profiles.js';
export { CONCEPTS } from './concepts.js';
export { routeByRule, MUNICIPALITY, type RoutingDecision, type RoutingFacts, type RoutingMethod } from './rule.js';
export { routeCase, type RouteDecision, type RouteRequest, type RouteSettings, type RoutingTaxonomy, type RoutedCandidate } from './route.js';
export { routeNewCase, type NewCase, type NewCaseRouting } from './routing.service.js';
export {
  textOf,
  routingBarOf,
  routeByText,
  trainAndStore,
  modelInUse,
  modelInfo,
  invalidateModelCache,
  keywordRules,
  TRAINING,
  type RoutingBar,
  type IntakeRouting,
  type ModelInfo,
  type Evaluation,
} from './classifier.service.js';
export { forgetExpiredHistory } from './history-retention.js';
export { importHistoryFile, parseHistoryLine, type ImportReport, type HistoryLine, type Rejected } from './history-import.js';
export { classifierApiRouter, classifierPagesRouter } from './classifier.routes.js';
export { classificationRouters } from './routers.js';
