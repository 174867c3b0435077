import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** An import of a module whose resolved path matches `regex`, refused with `message`. */
const refuse = (regex, message) => ({ regex, message });

// The allowed directions of imports (docs/ARCHITECTURE.md, "Import directions"):
//   webview-ui/ → webview-ui/, src/shared/            (the browser bundles)
//   src/shared/ → src/shared/, `import type` of src/api/ (neither `vscode` nor Node nor the DOM)
//   src/api/    → src/api/, src/shared/               (no `vscode`)
//   src/domain/ → src/domain/, api, shared, auth      (no feature, no jobs, no services.ts, open.ts or extension.ts)
//   src/jobs/   → api, shared, domain, types of services and auth (not a feature, not open.ts, no `vscode`)
//   src/views/  → api, shared, domain, jobs, services (not open.ts: commands open panels)
//   src/webviews/ → api, shared, domain, jobs, services, open, views (not commands, agent)
//   src/commands/, src/agent/ → anything in src/ but webviews/ and the internals of commands/createTune/
//                                 (commands/createTune/ files import each other)
//   nothing in src/ → extension.ts (the wiring) or webview-ui/
const TO_WEBVIEW_UI = refuse('(^|/)webview-ui(/|$)', 'The extension host does not import the browser bundles: share code through src/shared/.');
const FEATURES = ['commands', 'views', 'webviews', 'agent'];
const toFolders = (folders, why) => refuse(`^\\.\\.?/(\\.\\./)*(${folders.join('|')})(/|$)`, why);
const TO_EXTENSION = toFolders(['extension'], 'extension.ts is the wiring: it imports the features, never the other way round.');
/** One restricted-imports rule for every block: the typescript-eslint one also knows `import type`. */
const restrictImports = (options) => ({ '@typescript-eslint/no-restricted-imports': ['error', options] });

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.vscode-test/**', 'node_modules/**', 'test-results/**', '.stryker-tmp*/**'] },
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
    rules: restrictImports({
      paths: [{ name: 'vscode', message: 'Webviews cannot use the vscode API: talk to the host through the protocol.' }],
      patterns: [refuse('(^|/)src/(?!shared/)', 'The browser bundles import only webview-ui/ and src/shared/ (the host↔webview contract).'), refuse('^node:', 'Webviews run in a browser.')],
    }),
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrictImports({
      paths: [{ name: 'vscode', message: 'src/shared/ is used by the host and the webviews: no vscode.' }],
      patterns: [
        refuse('^node:', 'src/shared/ runs in the browser too: no Node modules.'),
        toFolders([...FEATURES, 'domain', 'jobs', 'auth', 'services', 'open', 'extension'], 'src/shared/ depends on nothing but itself and API types.'),
        // Types cost the browser bundles nothing; a value import would pull the API clients into them.
        { ...toFolders(['api'], 'src/shared/ takes only types from src/api/: write `import type`.'), allowTypeImports: true },
        TO_WEBVIEW_UI,
      ],
    }),
  },
  {
    // api/ is plain TypeScript: it must stay testable in Node without VS Code.
    files: ['src/api/**/*.ts'],
    rules: restrictImports({
      paths: ['vscode'],
      patterns: [toFolders([...FEATURES, 'domain', 'jobs', 'auth', 'services', 'open', 'extension'], 'api/ depends on nothing of the extension.'), TO_WEBVIEW_UI],
    }),
  },
  {
    // The domain (tunes, prompts, their creation and changes) is below every feature and knows none of them.
    files: ['src/domain/**/*.ts'],
    rules: restrictImports({
      patterns: [
        toFolders([...FEATURES, 'jobs', 'services', 'open'], 'src/domain/ is below the features and jobs: it uses src/api/, src/shared/ and src/auth/ only (take what you need as a parameter).'),
        TO_EXTENSION,
        TO_WEBVIEW_UI,
      ],
    }),
  },
  {
    // The poller and the sweeps run in plain Node too (unit tests, mutation testing): no `vscode`, and only
    // types from what uses it (services.ts, auth/); the extension hands them what they need.
    files: ['src/jobs/**/*.ts'],
    rules: restrictImports({
      paths: [{ name: 'vscode', message: 'src/jobs/ runs without VS Code (unit tests): take what you need as a parameter (see SweepMemory, JobLog).' }],
      patterns: [
        toFolders([...FEATURES, 'open'], 'The poller is below the features: they listen to it (through the change stream); it opens no panel.'),
        { ...toFolders(['services', 'auth'], 'src/jobs/ runs without VS Code: take only types from services.ts and auth/ (`import type`).'), allowTypeImports: true },
        TO_EXTENSION,
        TO_WEBVIEW_UI,
      ],
    }),
  },
  {
    files: ['src/views/**/*.ts'],
    // A view renders what the domain says; it opens nothing (commands do, through open.ts).
    rules: restrictImports({ patterns: [toFolders(['commands', 'webviews', 'agent', 'open'], 'Views render; commands open other features (through open.ts).'), TO_EXTENSION, TO_WEBVIEW_UI] }),
  },
  {
    files: ['src/webviews/**/*.ts'],
    rules: restrictImports({ patterns: [toFolders(['commands', 'agent'], 'Panels reach other features through open.ts.'), TO_EXTENSION, TO_WEBVIEW_UI] }),
  },
  {
    files: ['src/commands/**/*.ts', 'src/agent/**/*.ts'],
    rules: restrictImports({
      patterns: [
        toFolders(['webviews'], 'Commands and agent tools open panels through open.ts; what they share with a panel lives in src/domain/ or src/shared/.'),
        // The files of commands/createTune/ import each other as './x'; nobody else reaches into them.
        toFolders(['createTune', 'commands/createTune'], 'commands/createTune/ is one feature: share its pieces through src/domain/ or src/shared/.'),
        TO_EXTENSION,
        TO_WEBVIEW_UI,
      ],
    }),
  },
  {
    files: ['src/*.ts', 'src/auth/**/*.ts'],
    rules: restrictImports({ patterns: [TO_EXTENSION, TO_WEBVIEW_UI] }),
  },
);
