// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';

/** Orchestrators and entity wrappers replay: anything non-deterministic is banned there. */
const determinism = {
  'no-restricted-globals': [
    'error',
    { name: 'Date', message: 'Use context.df.currentUtcDateTime: orchestrators replay.' },
    { name: 'setTimeout', message: 'Use context.df.createTimer: orchestrators replay.' },
    { name: 'setInterval', message: 'Orchestrators replay; use durable timers.' },
    { name: 'process', message: 'No env or process state in replayed code; pass config in.' },
    { name: 'fetch', message: 'No I/O in replayed code; call an activity.' },
  ],
  'no-restricted-properties': [
    'error',
    {
      object: 'Math',
      property: 'random',
      message: 'Use context.df.newGuid: orchestrators replay.',
    },
  ],
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: ['node:*', 'fs', 'path', 'http', 'https', 'crypto', 'os', 'child_process'],
          message: 'No Node built-ins in replayed code.',
        },
        {
          group: ['**/adapters/**', '@azure/*', '!@azure/functions', 'sharp'],
          message: 'No I/O in replayed code.',
        },
      ],
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      // Fixture apps are plain CommonJS Functions apps loaded by devhost in tests.
      'test/fixtures/**',
      'dist/**',
      'node_modules/**',
      '.devhost/**',
      'coverage/**',
      '*.config.js',
      'eslint.config.mjs',
      // The web app's build output and its Vite config (ESM, resolved by Vite itself).
      'web/dist/**',
      'web/*.config.mts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'import-x/no-cycle': 'error',
    },
  },
  { files: ['src/orchestrators/**/*.ts', 'src/entities/**/*.ts'], rules: determinism },
  {
    files: ['devhost/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**'],
              message: 'devhost is generic: it loads the app through package.json#main.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  prettier,
);
