// The compare panel's @vscode-elements components, defined after its first paint (common/later.ts): the
// top bar's buttons and its "Only differences" checkbox.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
