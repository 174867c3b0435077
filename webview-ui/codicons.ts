// Emits dist/webview/codicons.css and its font: the shell links it as `vscode-codicon-stylesheet`,
// which is where `vscode-icon` (inside the vscode-elements buttons) looks for it.
import '@vscode/codicons/dist/codicon.css';
