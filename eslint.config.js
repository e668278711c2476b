// Typed ESLint for the whole project. The layering of DESIGN.md is enforced here with
// import restrictions per folder, and the engine's determinism with bans on clocks, timers
// and ambient randomness.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const layer = (patterns, message) => patterns.map((group) => ({ group: [group], message }));

const engineBannedGlobals = [
  { name: 'Date', message: 'The engine is deterministic: use the virtual clock (core/sim).' },
  { name: 'setTimeout', message: 'No timers in the engine: schedule on the virtual clock.' },
  { name: 'setInterval', message: 'No timers in the engine: schedule on the virtual clock.' },
  { name: 'setImmediate', message: 'No timers in the engine: schedule on the virtual clock.' },
  {
    name: 'queueMicrotask',
    message: 'No microtasks in the engine: schedule on the virtual clock.',
  },
  { name: 'requestAnimationFrame', message: 'No frames in the engine.' },
  { name: 'performance', message: 'No wall clock in the engine: use the virtual clock.' },
  { name: 'window', message: 'The engine has no DOM.' },
  { name: 'document', message: 'The engine has no DOM.' },
];

export default tseslint.config(
  {
    ignores: [
      'dist',
      'node_modules',
      'test-results',
      'playwright-report',
      'bench/results',
      'fixtures',
      '**/__fixtures__',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.es2022 },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    files: ['eslint.config.js', 'scripts/**/*.mjs', 'bin/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { ...globals.node },
    },
  },
  // engine: pure, deterministic, imports only engine.
  {
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', ...engineBannedGlobals],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use the seeded PRNG (core/rng).' },
        { object: 'Date', property: 'now', message: 'Use the virtual clock (core/sim).' },
        { object: 'performance', property: 'now', message: 'Use the virtual clock.' },
        { object: 'crypto', property: 'randomUUID', message: 'Use core/ids.' },
        { object: 'crypto', property: 'getRandomValues', message: 'Use the seeded PRNG.' },
        { object: 'globalThis', property: 'setTimeout', message: 'No timers in the engine.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: layer(
            [
              '**/ui/**',
              '**/worker/**',
              '**/protocol/**',
              '**/cli/**',
              'react',
              'react-dom',
              'node:*',
              'fs',
              'path',
            ],
            'src/engine imports only src/engine (DESIGN.md layering).',
          ),
        },
      ],
    },
  },
  {
    files: ['src/engine/**/*.test.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  // protocol: message types; may import engine types only.
  {
    files: ['src/protocol/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine/**', '**/engine'],
              allowTypeImports: true,
              message: 'protocol imports engine types only.',
            },
            {
              group: ['**/ui/**', '**/worker/**', '**/cli/**'],
              message: 'protocol imports engine types only.',
            },
          ],
        },
      ],
    },
  },
  // worker: engine + protocol.
  {
    files: ['src/worker/**/*.ts'],
    languageOptions: { globals: { ...globals.worker } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: layer(
            ['**/ui/**', '**/cli/**', 'react', 'react-dom'],
            'worker imports engine and protocol only.',
          ),
        },
      ],
    },
  },
  // ui: protocol + engine types, never the engine runtime.
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine/**', '**/engine'],
              allowTypeImports: true,
              message:
                'ui imports engine types only; talk to the engine through the worker (protocol).',
            },
            {
              group: ['**/worker/**', '**/cli/**'],
              message: 'ui talks to the worker through src/protocol only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', '*.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
);
