'use strict';
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');
const globals = require('globals');

/** An ESLint block that forbids `files` to import `patterns`. */
function layer(files, patterns, message) {
  return {
    files: [files],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
  };
}

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dashboard/dist/', 'dashboard/resources/', '.node-red/', 'artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: ['src/**/*.ts', 'dashboard/src/**/*.ts'] })),
  {
    files: ['src/**/*.ts', 'dashboard/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // The layers run one way (docs/ARCHITECTURE.md): model <- protocols <- connection <- nodes; sim beside.
  layer('src/model/**/*.ts', ['../*', '../../*'], 'src/model holds the shared types and imports nothing else of ours'),
  layer(
    'src/protocols/**/*.ts',
    ['**/connection/*', '**/nodes/*', '**/sim/*', 'node-red', '@node-red/*'],
    'protocol clients know no Node-RED, connection or simulator',
  ),
  layer(
    'src/connection/**/*.ts',
    ['**/nodes/*', '**/sim/*', 'node-red', '@node-red/*'],
    'the connection layer knows no nodes or simulators',
  ),
  layer(
    'src/sim/**/*.ts',
    ['**/nodes/*', '**/connection/*'],
    'simulators stand beside the package: protocols and model only',
  ),
  // The widget package meets the main one at run time only (the config node's connection), never by import.
  layer('dashboard/src/**/*.ts', ['../../*', 'node-red', '@node-red/*'], 'the widget package imports nothing of the main one'),
  { files: ['dashboard/vite.config.mjs'], languageOptions: { sourceType: 'module', globals: globals.node } },
  {
    files: ['test/**/*.js', 'bench/**/*.js', 'scripts/**/*.js', 'eslint.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node, ...globals.mocha } },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },
  prettier,
);
