// The gallery's @vscode-elements components, defined after its first paint (common/later.ts): the top
// bar's and lightbox's toolbar buttons, the footer's buttons, the search and filter fields, the image menu.
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-context-menu/index.js';
