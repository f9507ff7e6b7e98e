// ESLint: typescript-eslint's strict, type-aware rules (strictTypeChecked) on all TypeScript.
// Prettier owns formatting (`prettier --check .` in `npm run lint`), so no stylistic rules here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      'dist-gpu/',
      'build/',
      '.docusaurus/',
      '.cache/',
      'runs/',
      'test-artifacts/',
      '.scratch/',
      'docs/',
      'i18n/',
      'static/',
      'results/',
      'notebooks/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // tsconfig.json: library, scripts, tests, bench, recipes, site config; tsconfig.site.json: the site's React side.
        project: ['./tsconfig.json', './tsconfig.site.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Numbers in log lines and messages are the point of most template literals here; other types stay restricted.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // node:test's test()/describe() return promises the runner itself awaits: not awaiting them is the documented use.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      // `() => console.log(x)` style callbacks are clear; statements whose void value is used elsewhere are still reported.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Off: without noUncheckedIndexedAccess, `!` marks lookups (Map.get, regex groups, shape entries) the code has just
      // established; a runtime check in each place adds branches that cannot be taken.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Tests assert on the JSON the CLIs and builds write (JSON.parse → any): the assertions are the type checks there.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Plain JavaScript (this file, scripts/run-tests.mjs): no type information.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
);
