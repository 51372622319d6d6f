/**
 * The layering of lib/ and handlers/ (docs/architecture.md draws it), checked by `npm test`:
 *
 *   handlers → features → listening → owner → spotify → platform
 *   handlers → http → platform
 *
 * A layer may use the layers below it, never one above; `comment` says why each rule exists.
 */
const LAYER = (...names) => `^lib/(?:${names.join('|')})/`;
const ABOVE = (...allowed) => `^(?:handlers/|lib/(?!(?:${allowed.join('|')})/))`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle makes every module in it load, test and change together. Break it by moving the shared part down a layer.',
      from: { path: '^(?:lib|handlers)/' },
      to: { circular: true },
    },
    {
      name: 'platform-knows-no-feature',
      severity: 'error',
      comment: 'lib/platform (config, clients, logger, the table, errors) is the floor: everything uses it, so it may use nothing of the service above it.',
      from: { path: LAYER('platform') },
      to: { path: ABOVE('platform') },
    },
    {
      name: 'http-knows-only-platform',
      severity: 'error',
      comment: 'lib/http (the middy stack, responses, caching headers, the one error mapping) serves every function: it knows requests and responses and renders no feature. A route that must draw its errors passes its renderer in.',
      from: { path: LAYER('http') },
      to: { path: ABOVE('platform', 'http') },
    },
    {
      name: 'spotify-knows-only-platform',
      severity: 'error',
      comment: 'lib/spotify is the one adapter to Spotify: it answers Spotify\'s data in the service\'s shapes and knows nothing of the owner, caches or HTTP.',
      from: { path: LAYER('spotify') },
      to: { path: ABOVE('platform', 'spotify') },
    },
    {
      name: 'owner-below-listening',
      severity: 'error',
      comment: 'lib/owner (login state, the owner\'s item, tokens, the lease) may call Spotify but knows no cache, feature or HTTP.',
      from: { path: LAYER('owner') },
      to: { path: ABOVE('platform', 'spotify', 'owner') },
    },
    {
      name: 'listening-below-features',
      severity: 'error',
      comment: 'lib/listening (the cached sources of the owner\'s listening) is shared by every feature, so it may not depend on any of them, nor on HTTP.',
      from: { path: LAYER('listening') },
      to: { path: ABOVE('platform', 'spotify', 'owner', 'listening') },
    },
    {
      name: 'features-speak-no-http',
      severity: 'error',
      comment: 'A feature answers domain facts (results, freshness, errors); its handler turns them into HTTP. Only the shared page layout (lib/http/html.ts) is theirs to use.',
      from: { path: '^lib/features/' },
      to: { path: '^(?:handlers/|lib/http/(?!html\\.ts$))' },
    },
    {
      name: 'features-stand-alone',
      severity: 'error',
      comment: 'A feature folder holds what one endpoint family needs; what two features share belongs in a layer below them (listening, owner, spotify, platform).',
      from: { path: '^lib/features/([^/]+)/' },
      to: { path: '^lib/features/', pathNot: '^lib/features/$1/' },
    },
    {
      name: 'handlers-are-thin',
      severity: 'error',
      comment: 'A handler reads the request, calls one feature and shapes the response with lib/http; anything else it needs belongs in the feature.',
      from: { path: '^handlers/' },
      to: { path: '^(?:handlers/|lib/(?!features/|http/))' },
    },
    {
      name: 'every-file-in-a-layer',
      severity: 'error',
      comment: 'Every file in lib/ lives in one of the layer folders (platform, http, spotify, owner, listening, features/<name>), so the rules above cover it. A new kind of code gets a layer, and a place in these rules and docs/architecture.md.',
      from: { path: '^lib/', pathNot: '^lib/(?:platform|http|spotify|owner|listening|features/[^/]+)/' },
      to: {},
    },
    {
      name: 'no-test-code-in-functions',
      severity: 'error',
      comment: 'Deployed code never depends on tests, the emulator or scripts: they are not in the bundle\'s world.',
      from: { path: '^(?:lib|handlers)/' },
      to: { path: '^(?:tests|scripts)/' },
    },
    {
      name: 'no-dev-dependencies-in-functions',
      severity: 'error',
      comment: 'What a function runs is bundled from dependencies; a devDependency there works in tests and breaks nothing until it is pruned. Types alone are fine.',
      from: { path: '^(?:lib|handlers)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing fails at run time, not at build time.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too: a layer may not even name a type from above it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
