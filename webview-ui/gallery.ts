// Entry of the gallery webview bundle (dist/webview/gallery.js + gallery.css).
import './common/base.css';
import './common/fixedPanel.css';
import './gallery/gallery.css';
import { GalleryApp } from './gallery/app';

const root = document.getElementById('app');
if (root) new GalleryApp(root).start();
