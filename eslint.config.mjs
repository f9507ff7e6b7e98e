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
      // Numbers and shapes (number arrays) in log lines and messages are the point of most template literals here.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowArray: true }],
      // tfjs ops are generic only in their return type (`tf.add<T extends Tensor>(…): T`), so `op(…) as tf.Tensor2D` is how
      // tfjs code states a rank; the rule reads those as inferable type arguments.
      '@typescript-eslint/no-unnecessary-type-assertion': [
        'error',
        { typesToIgnore: ['tf.Tensor', 'tf.Scalar', 'tf.Tensor1D', 'tf.Tensor2D', 'tf.Tensor3D', 'tf.Tensor4D', 'tf.Tensor[]'] },
      ],
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
      // `const { dropped: _dropped, ...rest } = o` is how the code omits a key.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // Off: the code checks values that come from JSON, the DOM, CLI flags and untyped callers (notebooks, JS) although
      // their declared types say the check cannot fail, and without noUncheckedIndexedAccess its claims about lookups are wrong.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Off: `async` marks functions that implement promise-returning interfaces (tf.io handlers, Docusaurus plugin hooks,
      // test callbacks); dropping it would turn their throws into synchronous ones.
      '@typescript-eslint/require-await': 'off',
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
