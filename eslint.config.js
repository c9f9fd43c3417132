// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

/** Imports that would break DESIGN.md's layering, by folder. */
const electronOnly = {
  name: 'electron',
  message: 'Only electron/main and electron/preload may import electron (DESIGN.md section 2).',
};
const nodeBuiltins = ['node:*', 'fs', 'net', 'os', 'path', 'child_process', 'crypto', 'stream'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'out/',
      'release/',
      'bench/results/',
      'test-artifacts/',
      'native/*/build/',
    ],
  },
  // The CLI launcher has no extension; lint it as the ES module it is.
  {
    files: ['bin/burrow'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // The native binding's package is CommonJS: npm runs its install script and Node loads it.
  {
    files: ['native/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            {
              group: nodeBuiltins,
              message: 'shared/ runs in the renderer too: no Node built-ins.',
            },
            {
              group: ['**/electron/**', '**/renderer/**'],
              message: 'shared/ imports only shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'electron/engine/**/*.ts',
      'electron/store/**/*.ts',
      'electron/cli/**/*.ts',
      'electron/ipc/**/*.ts',
      'electron/service/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            { group: ['electron/*'], message: electronOnly.message },
            {
              group: ['**/main/**', '**/preload/**', '**/renderer/**'],
              message: 'engine/store/cli stay Electron-free.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'test/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            { group: nodeBuiltins, message: 'The renderer never sees Node.' },
            {
              group: ['**/electron/**'],
              message: 'The renderer imports only shared/ and its own files.',
            },
          ],
        },
      ],
    },
  },
);
