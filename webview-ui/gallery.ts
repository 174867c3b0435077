// Entry of the gallery webview bundle (dist/webview/gallery.js + gallery.css; its components in a chunk).
import './common/base.css';
import './common/fixedPanel.css';
import './gallery/gallery.css';
import { GalleryApp } from './gallery/app';
import { afterFirstPaint } from './common/later';

const root = document.getElementById('app');
if (root) {
  const app = new GalleryApp(root);
  app.start();
  afterFirstPaint(() => import('./gallery/elements'), (message) => app.host.notify('error', { message }));
}
