// `npm run bench` — prints the gallery's performance figures.
//   npm run bench                     1,000 and 5,000 images, median of 3 runs each
//   npm run bench -- --sizes 200,1000 --repeat 1
import { parseArgs } from 'node:util';
import { benchGallery, type GalleryRun } from './gallery';

const FIRST_PAINT_GOAL_MS = 300;

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,5000' },
    repeat: { type: 'string', default: '3' },
  },
});

const sizes = values.sizes.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
const repeat = Math.max(1, Number(values.repeat) || 1);

function table(rows: GalleryRun[]): string {
  const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const lines: [string, (r: GalleryRun) => string][] = [
    ['open → first image painted', (r) => `${fmt(r.firstImagePaintedMs)} ms`],
    ['  open → bundle ran, `ready` posted', (r) => `${fmt(r.readyMs)} ms`],
    ['  `ready` → `init` with first page (host)', (r) => `${fmt(r.handshakeMs)} ms`],
    ['  open → first page laid out', (r) => `${fmt(r.firstPageMs)} ms`],
    ['image requests before any scroll', (r) => fmt(r.imageRequestsBeforeScroll)],
    ['DOM nodes at open', (r) => fmt(r.domNodesAtStart)],
    ['DOM nodes after scrolling to the end', (r) => fmt(r.domNodesAtEnd)],
    ['rows in the DOM at the end', (r) => fmt(r.rowsAtEnd)],
    ['page requests (listPrompts) to the end', (r) => fmt(r.pageRequests)],
    ['scroll to the end (2 viewports/frame)', (r) => `${fmt(r.scrollToEndMs)} ms`],
    ['image requests while scrolling', (r) => fmt(r.imageRequestsWhileScrolling)],
    ['JS heap at the end, after GC (CDP)', (r) => `${fmt(r.jsHeapMb, 1)} MB`],
    ['performance.memory used JS heap', (r) => `${fmt(r.performanceMemoryMb, 1)} MB`],
  ];
  const header = ['', ...rows.map((r) => `${fmt(r.images)} images`)];
  const body = lines.map(([label, value]) => [label, ...rows.map(value)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  console.log(`Gallery benchmark: ${sizes.join(', ')} images, median of ${repeat} run${repeat === 1 ? '' : 's'}, viewport 1280×800, headless Chromium\n`);
  const results = await benchGallery(sizes, repeat);
  console.log(table(results));
  const slow = results.filter((r) => r.firstImagePaintedMs >= FIRST_PAINT_GOAL_MS);
  const [smallest, largest] = [results[0], results[results.length - 1]];
  console.log(
    `\nGoal: first image painted < ${FIRST_PAINT_GOAL_MS} ms — ${slow.length ? `MISSED for ${slow.map((r) => r.images).join(', ')} images` : 'met'}.`,
  );
  if (results.length > 1) {
    console.log(
      `DOM after scrolling to the end: ${smallest.domNodesAtEnd} nodes for ${smallest.images} images, ${largest.domNodesAtEnd} for ${largest.images}: bounded, not proportional to the image count.`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
