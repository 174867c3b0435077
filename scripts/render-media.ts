// `npm run media`: draws the pictures the package needs from their sources, in headless Chromium.
// - media/icon.png: the Marketplace icon, 128 × 128, from media/icon-marketplace.svg.
// - media/screenshots/*.jpg: the README's pictures, from the PNGs the e2e suite wrote
//   (`npm run screenshots` writes JPEGs directly; this converts PNGs that are left).
// JPEG keeps the package small: the README's pictures go into the .vsix (inlined, scripts/package.ts).
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, cleanupAll } from './code-server';
import { repoRoot } from './install-code-server';
import { README_JPEG_QUALITY } from '../test/e2e/workbench';


async function main(): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
    const svg = readFileSync(join(repoRoot, 'media', 'icon-marketplace.svg'), 'utf8');
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    await page.screenshot({ path: join(repoRoot, 'media', 'icon.png'), omitBackground: true, clip: { x: 0, y: 0, width: 128, height: 128 } });
    console.log('media/icon.png: 128 × 128');

    const shots = join(repoRoot, 'media', 'screenshots');
    for (const name of existsSync(shots) ? readdirSync(shots).filter((f) => f.endsWith('.png')) : []) {
      const png = readFileSync(join(shots, name));
      const width = png.readUInt32BE(16);
      const height = png.readUInt32BE(20);
      await page.setViewportSize({ width, height });
      await page.setContent(`<html><body style="margin:0"><img src="data:image/png;base64,${png.toString('base64')}"></body></html>`);
      await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
      const jpg = name.replace(/\.png$/, '.jpg');
      await page.screenshot({ path: join(shots, jpg), type: 'jpeg', quality: README_JPEG_QUALITY, clip: { x: 0, y: 0, width, height } });
      rmSync(join(shots, name));
      console.log(`media/screenshots/${jpg}: ${width} × ${height}`);
    }
  } finally {
    await browser.close();
    await cleanupAll();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
