// Entry of the compare panel's webview bundle (dist/webview/compare.js + compare.css; its components in a chunk).
import './common/base.css';
import './common/fixedPanel.css';
import './compare/compare.css';
import { CompareApp } from './compare/app';
import { afterFirstPaint } from './common/later';

const root = document.getElementById('app');
if (root) {
  const app = new CompareApp(root);
  app.start();
  afterFirstPaint(() => import('./compare/elements'), (message) => app.host.notify('error', { message }));
}
