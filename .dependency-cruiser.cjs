/**
 * The house rules for src/ (issue 21), checked in `npm test` by `npm run boundaries`:
 * - no import circle anywhere;
 * - a module (a folder under src/) is entered only through its index.ts, except src/shared/,
 *   which is the floor every module stands on and is imported file by file;
 * - only cases/ touches the case model (the case document has one owner).
 */
/**
 * The modules from the floor up. A module may import only modules on a lower line (arrows run one
 * way); where a lower module must reach a higher one, it calls a hook (src/shared/hooks.ts).
 */
const LAYERS = [
  ['config', 'locales'],
  ['shared'],
  ['directory', 'notifications'],
  ['users'],
  ['audit', 'sla'],
  ['classification'],
  ['cases'],
  ['recurring'],
  ['metrics', 'home', 'privacy'],
];

const layerRules = LAYERS.flatMap((layer, i) =>
  layer.map((module) => {
    const above = LAYERS.slice(i).flat().filter((m) => m !== module);
    return {
      name: `layers-${module}`,
      severity: 'error',
      comment: `${module}/ imports only modules below it (${LAYERS.slice(0, i).flat().join(', ') || 'none'}); call a hook (src/shared/hooks.ts) to reach one above.`,
      from: { path: `^src/${module}/` },
      to: { path: `^src/(${above.join('|')})/` },
    };
  }),
);

const KNOWN = LAYERS.flat().join('|');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'module-in-a-layer',
      severity: 'error',
      comment: 'Every folder under src/ is a module with a place in LAYERS above: add a new one there.',
      from: { path: `^src/[^/]+/`, pathNot: `^src/(${KNOWN})/` },
      to: { path: '.' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: two files (or modules) that need each other. Pass a hook in deps instead.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'module-face',
      severity: 'error',
      comment: "A module is entered only through its index.ts: import the other module's face, not its internals.",
      from: { path: '^src/([^/]+)/' },
      to: {
        path: '^src/([^/]+)/.+',
        pathNot: ['^src/$1/', '^src/shared/', '^src/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'top-level-through-faces',
      severity: 'error',
      comment: "app.ts, server.ts, cli.ts, runtime.ts and wiring.ts enter modules through their index.ts too.",
      // models.ts is the one list of every model file (registerModels, before indexes are built):
      // it imports them directly, since a face exports only what other modules may call.
      from: { path: '^src/[^/]+\\.ts$', pathNot: '^src/models\\.ts$' },
      to: { path: '^src/([^/]+)/.+', pathNot: ['^src/shared/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'cases-own-the-case-model',
      severity: 'error',
      comment: 'Only cases/ reads or writes the case collection: call the cases face instead.',
      // models.ts imports case.model.ts only to register it with Mongoose, never to query it.
      from: { path: '^src/', pathNot: ['^src/cases/', '^src/models\\.ts$'] },
      to: { path: '^src/cases/case\\.model\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
