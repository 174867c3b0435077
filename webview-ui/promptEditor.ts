// Entry of the prompt editor webview bundle (dist/webview/promptEditor.js + promptEditor.css).
import './common/base.css';
import './promptEditor/promptEditor.css';
import { PromptEditorApp } from './promptEditor/app';

const root = document.getElementById('app');
if (root) new PromptEditorApp(root).start();
