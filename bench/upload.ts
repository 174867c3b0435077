// `npm run bench:upload` — uploads 40 photos of 8 MB (random content behind real PNG/JPEG signatures) to
// the local sandbox twice per round: with Tune Studio's Astria client (in a child process, so its RSS is
// its own) and with `curl -F`, then prints wall time and memory side by side.
//
//   npm run bench:upload                                   40 × 8 MB, 3 rounds
//   npm run bench:upload -- --images 10 --size-mb 2 --rounds 1
//
// Goals: the client's peak RSS grows by less than 64 MB (files are streamed, never buffered) and its
// wall time stays within 1.3× of curl's.
import { spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { UploadFile } from '../src/api/astria/types';

const MB = 1024 * 1024;
const RSS_GOAL_MB = 64;
const TIME_GOAL_RATIO = 1.3;
const SAMPLE_MS = 20;

const SIGNATURES = {
  png: { mime: 'image/png', head: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52] },
  jpg: { mime: 'image/jpeg', head: [0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0] },
};

/** What the child process is told (argv JSON) and answers (one JSON line on stdout). */
interface ChildTask {
  url: string;
  key: string;
  title: string;
  files: UploadFile[];
}

interface ClientRun {
  tuneId: number;
  wallMs: number;
  baselineRss: number;
  peakRss: number;
  /** Peak RSS over the child's life from getrusage, a cross-check of the 20 ms samples. */
  maxRss: number;
  progressReports: number;
}

interface CurlRun {
  tuneId: number;
  wallMs: number;
  peakRss: number;
}

interface StoredUpload {
  field: string;
  filename: string;
  size: number;
  sha256: string;
  path: string;
}

// ---- child: the client alone in its own process --------------------------------------------------

async function runChild(task: ChildTask): Promise<void> {
  const { AstriaClient } = await import('../src/api/astria/client');
  const client = new AstriaClient({ baseUrl: task.url, getKey: () => task.key });
  // Warm up the module graph, undici's pool and the JIT so the baseline is the idle client.
  await client.listTunes({ limit: 1 });
  (globalThis as { gc?: () => void }).gc?.();
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), SAMPLE_MS);
  let progressReports = 0;
  const started = performance.now();
  // The same call the extension makes, progress callback included.
  const tune = await client.createTune({ title: task.title, name: 'man', branch: 'fast' }, task.files, { onProgress: () => progressReports++ });
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const result: ClientRun = { tuneId: tune.id, wallMs, baselineRss, peakRss, maxRss: process.resourceUsage().maxRSS * 1024, progressReports };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// ---- parent ------------------------------------------------------------------------------------

async function generateImages(dir: string, count: number, bytes: number): Promise<UploadFile[]> {
  const files: UploadFile[] = [];
  const buffer = Buffer.alloc(bytes);
  for (let i = 1; i <= count; i++) {
    const kind = i % 2 === 0 ? 'jpg' : 'png';
    randomFillSync(buffer);
    Buffer.from(SIGNATURES[kind].head).copy(buffer);
    const path = join(dir, `photo-${String(i).padStart(2, '0')}.${kind}`);
    await writeFile(path, buffer);
    files.push({ path, name: `photo-${String(i).padStart(2, '0')}.${kind}`, type: SIGNATURES[kind].mime });
  }
  return files;
}

function runClient(task: ChildTask): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, '--child', JSON.stringify(task)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`client child exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as ClientRun);
    });
  });
}

/** curl streams the same files as the same multipart fields; its RSS is sampled from /proc. */
function runCurl(url: string, key: string, title: string, files: readonly UploadFile[]): Promise<CurlRun> {
  const args = ['-sS', '-o', '-', '-w', '\n%{http_code} %{time_total}', '-H', `Authorization: Bearer ${key}`];
  args.push('-F', `tune[title]=${title}`, '-F', 'tune[name]=man', '-F', 'tune[branch]=fast');
  for (const file of files) args.push('-F', `tune[images][]=@${file.path};type=${file.type}`);
  args.push(`${url}/tunes`);
  return new Promise((resolve, reject) => {
    const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let peakRss = 0;
    const sampler = setInterval(() => {
      void readFile(`/proc/${child.pid}/status`, 'utf8')
        .then((status) => {
          const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
          peakRss = Math.max(peakRss, kb * 1024);
        })
        .catch(() => undefined);
    }, SAMPLE_MS);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(sampler);
      const lines = out.trim().split('\n');
      const [status, seconds] = (lines.pop() ?? '').split(' ');
      if (code !== 0 || status !== '201' && status !== '200') return reject(new Error(`curl failed: exit ${code}, HTTP ${status}: ${lines.join('\n').slice(0, 300)}`));
      const tune = JSON.parse(lines.join('\n')) as { id: number };
      resolve({ tuneId: tune.id, wallMs: Number(seconds) * 1000, peakRss });
    });
  });
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The sandbox stored every file under tune[images][] with the right size (and, when given, bytes). */
async function verifyUploads(url: string, tuneId: number, files: readonly UploadFile[], bytes: number, hashes?: string[]): Promise<void> {
  const response = await fetch(`${url}/__admin/uploads?tune_id=${tuneId}`);
  const uploads = (await response.json()) as StoredUpload[];
  const problems: string[] = [];
  if (uploads.length !== files.length) problems.push(`${uploads.length} files stored, ${files.length} sent`);
  uploads.forEach((upload, i) => {
    if (upload.field !== 'tune[images][]') problems.push(`${upload.filename}: field ${upload.field}`);
    if (upload.size !== bytes) problems.push(`${upload.filename}: ${upload.size} bytes`);
    if (hashes && upload.sha256 !== hashes[i]) problems.push(`${upload.filename}: content differs`);
  });
  if (problems.length > 0) throw new Error(`The sandbox did not get the images intact: ${problems.join('; ')}`);
  // The stored copies are not needed any more: keep the disk from filling up over the rounds.
  await Promise.all(uploads.map((upload) => rm(upload.path, { force: true })));
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const rate = (bytes: number, ms: number): string => `${(bytes / MB / (ms / 1000)).toFixed(0)} MB/s`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows.map((row) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('   ')).join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      images: { type: 'string', default: '40' },
      'size-mb': { type: 'string', default: '8' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const count = Number(values.images);
  const bytes = Math.round(Number(values['size-mb']) * MB);
  const rounds = Number(values.rounds);
  const totalBytes = count * bytes;

  const dir = await mkdtemp(join(tmpdir(), 'tune-studio-bench-upload-'));
  const { startSandbox } = await import('../test/sandbox/server');
  const sandbox = await startSandbox({ port: 0, cdnPort: 0, quiet: true, seed: 'empty' });
  try {
    console.log(`Generating ${count} images of ${mb(bytes)} (${mb(totalBytes)}) in a temp folder…`);
    const files = await generateImages(dir, count, bytes);
    const hashes = await Promise.all(files.map((file) => sha256OfFile(file.path)));

    const clientRuns: ClientRun[] = [];
    const curlRuns: CurlRun[] = [];
    for (let round = 1; round <= rounds; round++) {
      // Alternate who goes first so page-cache warmth favours neither.
      const order = round % 2 === 1 ? (['client', 'curl'] as const) : (['curl', 'client'] as const);
      for (const who of order) {
        const title = `bench-${who}-${round}-${Date.now()}`;
        if (who === 'client') {
          const run = await runClient({ url: sandbox.url, key: sandbox.astriaKey, title, files });
          await verifyUploads(sandbox.url, run.tuneId, files, bytes, round === 1 ? hashes : undefined);
          clientRuns.push(run);
        } else {
          const run = await runCurl(sandbox.url, sandbox.astriaKey, title, files);
          await verifyUploads(sandbox.url, run.tuneId, files, bytes, round === 1 ? hashes : undefined);
          curlRuns.push(run);
        }
      }
      const c = clientRuns[clientRuns.length - 1];
      const k = curlRuns[curlRuns.length - 1];
      console.log(`round ${round}: client ${seconds(c.wallMs)}, RSS +${mb(c.peakRss - c.baselineRss)} · curl ${seconds(k.wallMs)}`);
    }

    const clientMs = median(clientRuns.map((r) => r.wallMs));
    const curlMs = median(curlRuns.map((r) => r.wallMs));
    const growth = median(clientRuns.map((r) => r.peakRss - r.baselineRss));
    const growthByRusage = median(clientRuns.map((r) => r.maxRss - r.baselineRss));
    const ratio = clientMs / curlMs;
    console.log('');
    console.log(`Upload of ${count} images × ${mb(bytes)} = ${mb(totalBytes)} to the sandbox over loopback, median of ${rounds} round(s)`);
    console.log(
      table([
        ['', 'wall time', 'throughput', 'peak RSS growth', 'peak RSS'],
        ['Tune Studio client (child process)', seconds(clientMs), rate(totalBytes, clientMs), `${mb(growth)} (rusage ${mb(growthByRusage)})`, mb(median(clientRuns.map((r) => r.peakRss)))],
        ['curl -F', seconds(curlMs), rate(totalBytes, curlMs), '—', mb(median(curlRuns.map((r) => r.peakRss)))],
        ['client ÷ curl', `${ratio.toFixed(2)}×`, '', '', ''],
      ]),
    );
    console.log('');
    const rssOk = growth < RSS_GOAL_MB * MB;
    const timeOk = ratio <= TIME_GOAL_RATIO;
    console.log(`Goal: RSS growth under ${RSS_GOAL_MB} MB … ${rssOk ? 'met' : 'MISSED'} (${mb(growth)})`);
    console.log(`Goal: time within ${TIME_GOAL_RATIO}× of curl … ${timeOk ? 'met' : 'MISSED'} (${ratio.toFixed(2)}×)`);
    console.log(`Progress callbacks per upload: ${median(clientRuns.map((r) => r.progressReports))} · all uploads verified (field, size; sha256 in round 1)`);
  } finally {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const childIndex = process.argv.indexOf('--child');
if (childIndex !== -1) {
  runChild(JSON.parse(process.argv[childIndex + 1]) as ChildTask).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
