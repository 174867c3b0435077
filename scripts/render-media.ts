// `npm run media`: draws the pictures the package needs from their sources, in headless Chromium.
// - media/icon.png: the Marketplace icon, 128 × 128, from media/icon-marketplace.svg.
// - media/screenshots/*.jpg: the README's pictures, from the PNGs the e2e suite wrote
//   (`npm run screenshots` writes JPEGs directly; this converts PNGs that are left).
// - media/samples/sample-1.jpg … sample-4.jpg: the Get Started walkthrough's sample photos (Add Sample
//   Images): one subject, a clay owl, from four sides, drawn below; small, to train a tune on.
// JPEG keeps the package small: the README's pictures go into the .vsix (inlined, scripts/package.ts).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, cleanupAll } from './code-server';
import { repoRoot } from './install-code-server';
import { README_JPEG_QUALITY } from '../test/e2e/workbench';


/** One view of the sample subject, a little clay owl on a table: pose and backdrop vary per photo. */
function sampleSvg(i: number): string {
  const views = [
    { backdrop: ['#f3e6d3', '#d9c2a3'], table: '#8a6a4a', x: 256, scale: 1, tilt: 0, light: '#fffaf0' },
    { backdrop: ['#d7e7ef', '#a9c3d2'], table: '#6f7b83', x: 230, scale: 0.9, tilt: -8, light: '#f4fbff' },
    { backdrop: ['#e4eed8', '#b9cc9f'], table: '#6d7a4f', x: 282, scale: 1.1, tilt: 7, light: '#fbfff2' },
    { backdrop: ['#f1dcdc', '#d2a7a7'], table: '#7d5656', x: 256, scale: 0.8, tilt: -3, light: '#fff6f6' },
  ];
  const v = views[i % views.length];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
  <defs>
    <radialGradient id="wall" cx="0.35" cy="0.3" r="0.9"><stop offset="0" stop-color="${v.light}"/><stop offset="0.45" stop-color="${v.backdrop[0]}"/><stop offset="1" stop-color="${v.backdrop[1]}"/></radialGradient>
    <radialGradient id="clay" cx="0.4" cy="0.35" r="0.75"><stop offset="0" stop-color="#e9a86b"/><stop offset="1" stop-color="#a4592c"/></radialGradient>
    <radialGradient id="belly" cx="0.5" cy="0.3" r="0.8"><stop offset="0" stop-color="#fbe3c4"/><stop offset="1" stop-color="#dcae80"/></radialGradient>
  </defs>
  <rect width="512" height="512" fill="url(#wall)"/>
  <rect y="380" width="512" height="132" fill="${v.table}"/>
  <ellipse cx="${v.x}" cy="392" rx="${110 * v.scale}" ry="${18 * v.scale}" fill="#000" opacity="0.25"/>
  <g transform="translate(${v.x} 392) scale(${v.scale}) rotate(${v.tilt}) translate(0 -150)">
    <path d="M-70 -95 L-52 -150 L-25 -105 Z M70 -95 L52 -150 L25 -105 Z" fill="#a4592c"/>
    <ellipse cx="0" cy="0" rx="105" ry="150" fill="url(#clay)"/>
    <ellipse cx="0" cy="45" rx="68" ry="92" fill="url(#belly)"/>
    <path d="M-40 30 q10 8 20 0 M-10 55 q10 8 20 0 M20 30 q10 8 20 0 M-25 85 q10 8 20 0 M5 85 q10 8 20 0" stroke="#b07a4e" stroke-width="4" fill="none"/>
    <circle cx="-40" cy="-62" r="34" fill="#fff8ec"/><circle cx="40" cy="-62" r="34" fill="#fff8ec"/>
    <circle cx="-36" cy="-58" r="15" fill="#2b1a10"/><circle cx="36" cy="-58" r="15" fill="#2b1a10"/>
    <circle cx="-31" cy="-64" r="5" fill="#fff"/><circle cx="41" cy="-64" r="5" fill="#fff"/>
    <path d="M-12 -28 L12 -28 L0 -6 Z" fill="#f0b429"/>
    <path d="M-104 -10 q-30 60 10 120 q20 -60 -10 -120 Z M104 -10 q30 60 -10 120 q-20 -60 10 -120 Z" fill="#8c4621"/>
    <path d="M-30 146 l-10 10 M-18 148 l0 12 M18 148 l0 12 M30 146 l10 10" stroke="#f0b429" stroke-width="6" stroke-linecap="round"/>
  </g>
</svg>`;
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
    const svg = readFileSync(join(repoRoot, 'media', 'icon-marketplace.svg'), 'utf8');
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    await page.screenshot({ path: join(repoRoot, 'media', 'icon.png'), omitBackground: true, clip: { x: 0, y: 0, width: 128, height: 128 } });
    console.log('media/icon.png: 128 × 128');

    mkdirSync(join(repoRoot, 'media', 'samples'), { recursive: true });
    await page.setViewportSize({ width: 512, height: 512 });
    for (let i = 0; i < 4; i++) {
      await page.setContent(`<html><body style="margin:0">${sampleSvg(i)}</body></html>`);
      const jpg = await page.screenshot({ type: 'jpeg', quality: 80, clip: { x: 0, y: 0, width: 512, height: 512 } });
      writeFileSync(join(repoRoot, 'media', 'samples', `sample-${i + 1}.jpg`), jpg);
      console.log(`media/samples/sample-${i + 1}.jpg: 512 × 512, ${(jpg.length / 1024).toFixed(1)} KB`);
    }

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
