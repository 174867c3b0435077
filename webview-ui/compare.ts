// Entry of the compare panel's webview bundle (dist/webview/compare.js + compare.css).
import './common/base.css';
import './common/fixedPanel.css';
import './compare/compare.css';
import { CompareApp } from './compare/app';

const root = document.getElementById('app');
if (root) new CompareApp(root).start();
