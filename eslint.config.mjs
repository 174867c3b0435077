import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** An import of a module whose resolved path matches `regex`, refused with `message`. */
const refuse = (regex, message) => ({ regex, message });

// The allowed directions of imports (docs/ARCHITECTURE.md, "Import directions"):
//   webview-ui/ → webview-ui/, src/shared/          (the browser bundles)
//   src/shared/ → src/shared/, src/api/ (types)     (neither `vscode` nor Node nor the DOM)
//   src/api/    → src/api/, src/shared/             (no `vscode`)
//   src/jobs/   → api, shared, services             (not commands, views, webviews)
//   src/views/  → api, shared, jobs, services, open (not commands, webviews)
//   src/webviews/ → api, shared, jobs, services, open, views (not commands, agent)
//   nothing in src/ → webview-ui/
const TO_WEBVIEW_UI = refuse('(^|/)webview-ui(/|$)', 'The extension host does not import the browser bundles: share code through src/shared/.');
const FEATURES = ['commands', 'views', 'webviews', 'agent'];
const toFolders = (folders, why) => refuse(`^\\.\\.?/(\\.\\./)*(${folders.join('|')})(/|$)`, why);

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.vscode-test/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    // The e2e probe extension: plain CommonJS that VS Code loads as it is (no build, not type-checked).
    files: ['test/e2e/probe-extension/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['webview-ui/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'Webviews cannot use the vscode API: talk to the host through the protocol.' }],
          patterns: [refuse('(^|/)src/(?!shared/)', 'The browser bundles import only webview-ui/ and src/shared/ (the host↔webview contract).'), refuse('^node:', 'Webviews run in a browser.')],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/shared/ is used by the host and the webviews: no vscode.' }],
          patterns: [
            refuse('^node:', 'src/shared/ runs in the browser too: no Node modules.'),
            toFolders([...FEATURES, 'jobs', 'auth', 'services', 'open', 'extension'], 'src/shared/ depends on nothing but itself and API types.'),
            TO_WEBVIEW_UI,
          ],
        },
      ],
    },
  },
  {
    // api/ is plain TypeScript: it must stay testable in Node without VS Code.
    files: ['src/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode'],
          patterns: [toFolders([...FEATURES, 'jobs', 'auth', 'services', 'open', 'extension'], 'api/ depends on nothing of the extension.'), TO_WEBVIEW_UI],
        },
      ],
    },
  },
  {
    files: ['src/jobs/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [toFolders(FEATURES, 'The poller is below the features: they listen to it.'), TO_WEBVIEW_UI] }] },
  },
  {
    files: ['src/views/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [toFolders(['commands', 'webviews', 'agent'], 'Views reach other features through open.ts.'), TO_WEBVIEW_UI] }],
    },
  },
  {
    files: ['src/webviews/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [toFolders(['commands', 'agent'], 'Panels reach other features through open.ts.'), TO_WEBVIEW_UI] }],
    },
  },
  {
    files: ['src/*.ts', 'src/auth/**/*.ts', 'src/commands/**/*.ts', 'src/agent/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [TO_WEBVIEW_UI] }] },
  },
);
