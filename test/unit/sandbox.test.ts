// The sandbox is the test double for every suite, so its documented quirks are tested here with plain fetch.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../sandbox/server';

const run = promisify(execFile);
const SPEED = 100;

let sb: Sandbox;
const auth = () => ({ Authorization: `Bearer ${sb.astriaKey}` });
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${sb.url}${path}`, { ...init, headers: { ...auth(), ...(init.headers as Record<string, string>) } });
const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  api(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } });
const admin = (path: string, body?: unknown) =>
  fetch(`${sb.url}/__admin${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Json = Record<string, unknown> & { id: number };

before(async () => {
  sb = await startSandbox({ speed: SPEED, quiet: true, hostileDemo: true });
});
after(() => sb.close());
beforeEach(() => sb.reset());

describe('sandbox: Astria auth and paging', () => {
  it('answers 401 without or with a wrong key', async () => {
    for (const headers of [{}, { Authorization: 'Bearer sd_wrong' }] as Record<string, string>[]) {
      const res = await fetch(`${sb.url}/tunes`, { headers });
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), { error: 'Invalid API key' });
    }
  });

  it('pages 45 tunes newest first over three pages with before_id', async () => {
    const seen: number[] = [];
    const sizes: number[] = [];
    let beforeId: number | undefined;
    for (;;) {
      const res = await api(`/tunes${beforeId ? `?before_id=${beforeId}` : ''}`);
      const page = (await res.json()) as Json[];
      if (page.length === 0) break;
      sizes.push(page.length);
      seen.push(...page.map((t) => t.id));
      beforeId = page[page.length - 1].id;
    }
    assert.deepEqual(sizes, [20, 20, 5]);
    assert.deepEqual(seen, [...seen].sort((a, b) => b - a));
    assert.equal(new Set(seen).size, 45);
    const all = (await (await api('/tunes?limit=500')).json()) as Json[];
    assert.equal(all.length, 45, 'limit over 120 is clamped, not rejected');
  });

  it('scopes by X-Workspace-Id', async () => {
    const count = async (ws?: string) =>
      ((await (await api('/tunes?limit=120', { headers: ws ? { 'X-Workspace-Id': ws } : {} })).json()) as Json[]).length;
    assert.equal(await count(), 45);
    assert.equal(await count('ws_demo'), 8); // 3 workspace tunes + 5 public base tunes
    assert.equal(await count('all'), 48);
  });

  it('caps legacy offset: 400 past 200 for tunes and past 10,000 for prompts', async () => {
    assert.equal((await api('/tunes?offset=200')).status, 200);
    const res = await api('/tunes?offset=201');
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'offset is too large, use before_id' });
    assert.equal((await api('/prompts?offset=10001')).status, 400);
    assert.equal((await api('/prompts?offset=10000')).status, 200);
  });

  it('returns 404 JSON for unknown ids and accepts .json paths', async () => {
    const missing = await api('/tunes/1');
    assert.equal(missing.status, 404);
    assert.ok(((await missing.json()) as { error: string }).error);
    const flux = (await (await api('/tunes/1504944.json')).json()) as Json;
    assert.equal(flux.title, 'Flux1.dev');
  });

  it('pages prompts of a tune with 30+ prompts', async () => {
    const tunes = (await (await api('/tunes?limit=120&title=priya')).json()) as Json[];
    const tuneId = tunes[0].id;
    const first = (await (await api(`/tunes/${tuneId}/prompts`)).json()) as Json[];
    const second = (await (await api(`/tunes/${tuneId}/prompts?before_id=${first[19].id}`)).json()) as Json[];
    assert.equal(first.length, 20);
    assert.ok(second.length >= 10);
    assert.ok(second.every((p) => p.id < first[19].id && p.tune_id === tuneId));
  });
});

describe('sandbox: validation and idempotency', () => {
  it('answers 422 in the field-keyed shape for tunes', async () => {
    const res = await postJson('/tunes', { tune: { title: 'No images', name: 'man' } });
    assert.equal(res.status, 422);
    assert.deepEqual(await res.json(), { images: ['must contain at least one image'] });
    const blank = (await (await postJson('/tunes', { tune: {} })).json()) as Record<string, string[]>;
    assert.deepEqual(Object.keys(blank).sort(), ['images', 'name', 'title']);
  });

  it('answers 422 {"error"} for prompt rules', async () => {
    const cases: [number, Record<string, unknown>][] = [
      [1504944, { text: '' }],
      [1504944, { text: 'x', num_images: 9 }],
      [3000002, { text: 'x', num_images: 5 }],
      [1504944, { text: 'x', resolution: '2K' }],
      [1504944, { text: 'x', w: 500 }],
      [1504944, { text: 'x', inpaint_faces: true }],
      [1504944, { text: 'x', hires_fix: 'true', super_resolution: 'false' }],
      [1504944, { text: 'x', aspect_ratio: '7:5' }],
      [1504944, { text: 'x', cfg_scale: 16 }],
      [1504944, { text: 'x', steps: 51 }],
      [1504944, { text: 'x', denoising_strength: 1.5 }],
      [1504944, { text: 'x', scheduler: 'ddim' }],
      [1504944, { text: 'x', style: 'Baroque' }],
      [1504944, { text: 'x', color_grading: 'Sepia' }],
      [1504944, { text: 'x', controlnet: 'edges' }],
    ];
    for (const [tuneId, prompt] of cases) {
      const res = await postJson(`/tunes/${tuneId}/prompts`, { prompt });
      assert.equal(res.status, 422, JSON.stringify(prompt));
      const body = (await res.json()) as { error: string };
      assert.equal(typeof body.error, 'string', JSON.stringify(prompt));
    }
    const gemini = await postJson('/tunes/3000001/prompts', { prompt: { text: 'x', resolution: '4K', num_images: '2' } });
    assert.equal(gemini.status, 201);
    assert.equal(((await gemini.json()) as Json).num_images, 2, 'form strings are coerced');
  });

  it('returns the existing tune for a title that already exists', async () => {
    const tune = { title: 'retry-me-3f1c', name: 'man', image_urls: ['https://example.com/a.jpg'] };
    const first = await postJson('/tunes', { tune });
    const second = await postJson('/tunes', { tune });
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.equal(((await first.json()) as Json).id, ((await second.json()) as Json).id);
    const matches = (await (await api('/tunes?title=retry-me-3f1c')).json()) as Json[];
    assert.equal(matches.length, 1);
  });
});

describe('sandbox: uploads, progress and CDN', () => {
  it('stores multipart uploads byte for byte and serves them from the CDN', async () => {
    const bytes = [randomBytes(3000), randomBytes(5000)];
    const form = new FormData();
    form.append('tune[title]', 'Multipart upload');
    form.append('tune[name]', 'woman');
    form.append('tune[base_tune_id]', '1504944');
    form.append('tune[face_crop]', 'true');
    form.append('tune[characteristics]', '{"eye_color":"green eyes"}');
    bytes.forEach((b, i) => form.append('tune[images][]', new Blob([b], { type: 'image/jpeg' }), `zoë ${i}.jpg`));
    form.append('tune[prompts_attributes][][text]', '<1> woman, {{eye_color}}');
    form.append('tune[prompts_attributes][][num_images]', '2');
    form.append('tune[prompts_attributes][][text]', 'second prompt');
    const res = await api('/tunes', { method: 'POST', body: form });
    assert.equal(res.status, 201);
    const tune = (await res.json()) as Json & { orig_images: string[]; face_crop: boolean; characteristics: unknown };
    assert.equal(tune.face_crop, true);
    assert.deepEqual(tune.characteristics, { eye_color: 'green eyes' });
    const uploads = (await (await admin(`/uploads?tune_id=${tune.id}`)).json()) as { sha256: string; field: string; filename: string }[];
    assert.deepEqual(uploads.map((u) => u.sha256), bytes.map((b) => createHash('sha256').update(b).digest('hex')));
    assert.deepEqual(uploads.map((u) => u.field), ['tune[images][]', 'tune[images][]']);
    assert.deepEqual(uploads.map((u) => u.filename), ['zoë 0.jpg', 'zoë 1.jpg'], 'UTF-8 file names survive');
    assert.ok(tune.orig_images.every((u) => u.startsWith(sb.cdnUrl)));
    const served = Buffer.from(await (await fetch(tune.orig_images[1])).arrayBuffer());
    assert.ok(served.equals(bytes[1]));
    const prompts = (await (await api(`/tunes/${tune.id}/prompts`)).json()) as Json[];
    assert.deepEqual(prompts.map((p) => p.text), ['second prompt', '<1> woman, green eyes']);
    assert.equal(prompts[1].num_images, 2);
  });

  it('moves a tune from pending to training to trained and fills prompt images, scaled by speed', async () => {
    const created = (await (await postJson('/tunes', { tune: { title: 'progress', name: 'dog', image_urls: ['u'] } })).json()) as Json;
    assert.equal(created.started_training_at, null);
    const prompt = (await (await postJson(`/tunes/${created.id}/prompts`, { prompt: { text: 'ohwx dog', num_images: 3 } })).json()) as Json;
    assert.deepEqual(prompt.images, []);
    await sleep(2000 / SPEED + 30);
    const training = (await (await api(`/tunes/${created.id}`)).json()) as Json;
    assert.ok(training.started_training_at && training.eta && !training.trained_at);
    await sleep(20000 / SPEED);
    const trained = (await (await api(`/tunes/${created.id}`)).json()) as Json;
    assert.ok(trained.trained_at);
    assert.equal(Date.parse(trained.expires_at as string) - Date.parse(trained.trained_at as string), 30 * 86_400_000);
    await sleep(4000 / SPEED + 30);
    const done = (await (await api(`/tunes/${created.id}/prompts/${prompt.id}`)).json()) as Json & { images: string[] };
    assert.equal(done.images.length, 3);
    assert.ok(done.trained_at);
  });

  it('admin: finish trains now, fail sets user_error, speed re-times pending work', async () => {
    // Slowed down before the tune exists: on a loaded machine the tune could otherwise start at the normal speed
    // between the two requests.
    await admin('/speed', { speed: 0.001 });
    try {
      const tune = (await (await postJson('/tunes', { tune: { title: 'slow', name: 'man', image_urls: ['u'] } })).json()) as Json;
      await sleep(2000 / SPEED + 30);
      assert.equal(((await (await api(`/tunes/${tune.id}`)).json()) as Json).started_training_at, null, 'slowed down');
      const finished = (await (await admin(`/tunes/${tune.id}/finish`, {})).json()) as Json;
      assert.ok(finished.trained_at);
      const prompt = (await (await postJson(`/tunes/${tune.id}/prompts`, { prompt: { text: 'x' } })).json()) as Json;
      const failed = (await (await admin(`/prompts/${prompt.id}/fail`, { message: 'NSFW content detected' })).json()) as Json;
      assert.equal(failed.user_error, 'NSFW content detected');
    } finally {
      await admin('/speed', { speed: SPEED });
    }
  });

  it('admin: a prompt finishes now (its images at once), once its tune is trained', async () => {
    await admin('/speed', { speed: 0.001 });
    try {
      const [trained] = (await (await api('/tunes?limit=50')).json() as (Json & { trained_at: string | null; name: string | null })[]).filter((t) => t.trained_at && t.name);
      const slow = (await (await postJson(`/tunes/${trained.id}/prompts`, { prompt: { text: 'slow', num_images: 2 } })).json()) as Json & { images: string[] };
      assert.deepEqual(slow.images, [], 'still generating at this speed');
      const generated = (await (await admin(`/prompts/${slow.id}/finish`, {})).json()) as Json & { images: string[] };
      assert.equal(generated.images.length, 2, 'finish gives the images now');
      assert.equal(((await (await api(`/tunes/${trained.id}/prompts/${slow.id}`)).json()) as Json & { images: string[] }).images.length, 2);
      const untrained = (await (await postJson('/tunes', { tune: { title: 'untrained', name: 'man', image_urls: ['u'] } })).json()) as Json;
      const queued = (await (await postJson(`/tunes/${untrained.id}/prompts`, { prompt: { text: 'queued' } })).json()) as Json;
      assert.equal((await admin(`/prompts/${queued.id}/finish`, {})).status, 409, 'a prompt waiting for its tune cannot finish');
      assert.equal((await admin('/prompts/999999999/finish', {})).status, 404);
    } finally {
      await admin('/speed', { speed: SPEED });
    }
  });

  it('serves valid PNGs from the CDN origin without ever seeing Authorization', async () => {
    const prompts = (await (await api('/prompts?limit=50')).json()) as (Json & { images: string[] })[];
    const urls = prompts.flatMap((p) => p.images).slice(0, 3);
    assert.equal(urls.length, 3);
    const images = await Promise.all(urls.map(async (u) => {
      assert.ok(u.startsWith(`${sb.cdnUrl}/images/`));
      const res = await fetch(u);
      assert.equal(res.headers.get('content-type'), 'image/png');
      return Buffer.from(await res.arrayBuffer());
    }));
    for (const png of images) assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])));
    assert.equal(new Set(images.map((b) => b.toString('base64'))).size, 3, 'images are distinct');
    const cdn = (await (await admin('/requests?origin=cdn')).json()) as { headers: Record<string, string>; path: string; status: number }[];
    assert.equal(cdn.length, 3);
    assert.ok(cdn.every((r) => !('authorization' in r.headers) && r.status === 200));
    assert.ok(sb.requests.some((r) => r.origin === 'api' && r.headers.authorization === `Bearer ${sb.astriaKey}`));
  });

  it('seeds a large gallery quickly', async () => {
    const started = Date.now();
    const tune = (await (await admin('/seed-gallery', { count: 5000 })).json()) as Json;
    const prompts = (await (await api(`/tunes/${tune.id}/prompts?limit=120`)).json()) as { images: string[] }[];
    assert.equal(prompts.length, 120);
    assert.ok(prompts.every((p) => p.images.length === 8));
    assert.ok(Date.now() - started < 2000);
  });

  it('likes, duplicates with overrides and deletes prompts', async () => {
    const [source] = (await (await api('/tunes/3000002/prompts')).json()) as Json[];
    const liked = await api(`/prompts/${source.id}/likes`, { method: 'POST' });
    assert.equal(liked.status, 201);
    assert.equal(await liked.text(), '');
    assert.equal(((await (await api(`/tunes/3000002/prompts/${source.id}`)).json()) as Json).liked, true);
    assert.equal((await api(`/prompts/${source.id}/likes`, { method: 'DELETE' })).status, 200);
    const copy = (await (await postJson(`/prompts/${source.id}/duplicate`, { prompt: { num_images: 1 } })).json()) as Json;
    assert.equal(copy.text, source.text);
    assert.equal(copy.num_images, 1);
    const deleted = await api(`/tunes/3000002/prompts/${copy.id}`, { method: 'DELETE' });
    assert.deepEqual(await deleted.json(), { message: 'Prompt successfully deleted' });
    assert.equal((await api(`/tunes/3000002/prompts/${copy.id}`)).status, 404);
  });
});

describe('sandbox: faults', () => {
  const fault = (spec: Record<string, unknown>) => admin('/faults', spec);

  it('status429 carries Retry-After, status500 is a 500', async () => {
    await fault({ match: '/tunes', kind: 'status429', retryAfter: 3 });
    const limited = await api('/tunes');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '3');
    await fault({ match: '^/tunes$', kind: 'status500', count: 2 });
    assert.equal((await api('/tunes')).status, 500);
    assert.equal((await api('/tunes')).status, 500);
    assert.equal((await api('/tunes')).status, 200);
  });

  it('malformed answers 200 with invalid JSON', async () => {
    await fault({ match: '/tunes', kind: 'malformed' });
    const res = await api('/tunes/1504944');
    assert.equal(res.status, 200);
    await assert.rejects(res.json());
  });

  it('reset destroys the socket; on POST /tunes the tune is still created', async () => {
    await fault({ match: '/tunes', method: 'POST', kind: 'reset' });
    const tune = { title: 'reset-then-retry', name: 'man', image_urls: ['u'] };
    await assert.rejects(postJson('/tunes', { tune }));
    const retry = await postJson('/tunes', { tune });
    assert.equal(retry.status, 200, 'the retry finds the tune created before the reset');
  });

  it('status504 on POST /tunes still creates the tune', async () => {
    await fault({ match: '/tunes', method: 'POST', kind: 'status504' });
    const tune = { title: 'gateway-timeout', name: 'man', image_urls: ['u'] };
    assert.equal((await postJson('/tunes', { tune })).status, 504);
    assert.equal(((await (await api('/tunes?title=gateway-timeout')).json()) as Json[]).length, 1);
  });

  it('hang never answers until the client gives up', async () => {
    await fault({ match: '/prompts', kind: 'hang' });
    const started = Date.now();
    await assert.rejects(api('/prompts', { signal: AbortSignal.timeout(300) }), /abort|timeout/i);
    assert.ok(Date.now() - started >= 290);
    assert.equal((await api('/prompts')).status, 200);
  });

  it('status faults answer with their status and a custom body when given (a 422 in both shapes)', async () => {
    for (const [kind, status] of [['status401', 401], ['status403', 403], ['status404', 404], ['status502', 502], ['status503', 503]] as const) {
      await fault({ match: '^/tunes$', kind });
      const res = await api('/tunes');
      assert.equal(res.status, status, kind);
      assert.equal(typeof ((await res.json()) as { error: unknown }).error, 'string', `${kind} has an {"error"} body`);
    }
    await fault({ match: '^/tunes$', kind: 'status422', body: { error: 'custom words' } });
    assert.deepEqual(await (await api('/tunes')).json(), { error: 'custom words' });
    await fault({ match: '^/tunes$', kind: 'status422', body: { title: ['is taken'] } });
    const fields = await api('/tunes');
    assert.equal(fields.status, 422);
    assert.deepEqual(await fields.json(), { title: ['is taken'] });
    assert.equal((await api('/tunes')).status, 200, 'each fault once by default');
  });

  it('status429 with retryAfter null sends no Retry-After', async () => {
    await fault({ match: '^/tunes$', kind: 'status429', retryAfter: null });
    const res = await api('/tunes');
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), null);
  });

  it('truncated promises the whole body and sends half of it; slow answers late but whole', async () => {
    const [prompt] = (await (await api('/tunes/3000002/prompts')).json()) as { images: string[] }[];
    const whole = Buffer.from(await (await fetch(prompt.images[0])).arrayBuffer());
    await fault({ match: '/images/', kind: 'truncated', origin: 'cdn' });
    const cut = await fetch(prompt.images[0]);
    assert.equal(cut.headers.get('content-length'), String(whole.byteLength));
    await assert.rejects(cut.arrayBuffer(), 'the body ends early');
    await fault({ match: '/images/', kind: 'slow', delayMs: 300 });
    const started = Date.now();
    const slow = Buffer.from(await (await fetch(prompt.images[0])).arrayBuffer());
    assert.ok(Date.now() - started >= 290, 'it waited');
    assert.ok(slow.equals(whole), 'and sent every byte');
  });

  it('refuses an unknown fault kind, naming the known ones', async () => {
    const res = await fault({ match: '/tunes', kind: 'status418' });
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as { error: string }).error, /status401.*truncated.*slow/);
  });

  it('lateCreate ("created after the gateway gave up"): POST /tunes answers 504 at once, the tune appears once ~1.5 s later', async () => {
    await fault({ match: '^/tunes$', method: 'POST', kind: 'lateCreate' });
    const title = 'created-after-the-gateway-gave-up';
    const count = async () => ((await (await api(`/tunes?title=${title}`)).json()) as Json[]).length;
    const started = Date.now();
    const res = await postJson('/tunes', { tune: { title, name: 'man', image_urls: ['u'] } });
    assert.equal(res.status, 504);
    assert.match(((await res.json()) as { error: string }).error, /Gateway timeout/);
    assert.ok(Date.now() - started < 1000, 'answered at once');
    assert.equal(await count(), 0, 'not there right after the 504');
    await sleep(1000);
    assert.equal(await count(), 0, 'not there 1 s later either');
    await sleep(800);
    assert.equal(await count(), 1, 'there, exactly once, after the delay');
    const [tune] = (await (await api(`/tunes?title=${title}`)).json()) as (Json & { created_at: string })[];
    assert.ok(Date.parse(tune.created_at) >= started + 1400, 'created when the late work ran');
  });

  it('lateCreate on POST /tunes/:id/prompts with delayMs: the prompt appears once after that delay', async () => {
    await fault({ match: '/prompts', method: 'POST', kind: 'lateCreate', delayMs: 300 });
    const text = 'a prompt created after the gateway gave up';
    const matching = async () => ((await (await api('/tunes/3000002/prompts?limit=120')).json()) as (Json & { text: string })[]).filter((p) => p.text === text).length;
    const res = await postJson('/tunes/3000002/prompts', { prompt: { text, num_images: 1 } });
    assert.equal(res.status, 504);
    assert.equal(await matching(), 0, 'not there right after the 504');
    await sleep(500);
    assert.equal(await matching(), 1, 'there, exactly once');
    assert.equal((await postJson('/tunes/3000002/prompts', { prompt: { text: 'next', num_images: 1 } })).status, 201, 'one request only by default');
  });

  it('lateCreate work still pending is dropped by reset', async () => {
    await fault({ match: '^/tunes$', method: 'POST', kind: 'lateCreate', delayMs: 200 });
    assert.equal((await postJson('/tunes', { tune: { title: 'dropped-by-reset', name: 'man', image_urls: ['u'] } })).status, 504);
    sb.reset();
    await sleep(400);
    assert.equal(((await (await api('/tunes?title=dropped-by-reset')).json()) as Json[]).length, 0);
  });

  it('never gives an id twice, even across a reset (clients, like the create look-up, remember the ids they took)', async () => {
    const tune = (await (await postJson('/tunes', { tune: { title: 'before-reset', name: 'man', image_urls: ['u'] } })).json()) as Json;
    const prompt = (await (await postJson('/tunes/3000002/prompts', { prompt: { text: 'before', num_images: 1 } })).json()) as Json;
    sb.reset();
    const tuneAfter = (await (await postJson('/tunes', { tune: { title: 'after-reset', name: 'man', image_urls: ['u'] } })).json()) as Json;
    const promptAfter = (await (await postJson('/tunes/3000002/prompts', { prompt: { text: 'after', num_images: 1 } })).json()) as Json;
    assert.ok(tuneAfter.id > tune.id, `tune ${tuneAfter.id} comes after ${tune.id}`);
    assert.ok(promptAfter.id > prompt.id, `prompt ${promptAfter.id} comes after ${prompt.id}`);
  });

  it('faults reach the CDN origin too', async () => {
    await fault({ match: '/images/', kind: 'status500' });
    const [prompt] = (await (await api('/tunes/3000002/prompts')).json()) as { images: string[] }[];
    assert.equal((await fetch(prompt.images[0])).status, 500);
    assert.equal((await fetch(prompt.images[0])).status, 200);
  });
});

describe('sandbox: Cartesia', () => {
  const car = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${sb.cartesiaUrl}${path}`, {
      headers: { Authorization: `Bearer ${sb.cartesiaKey}`, 'Cartesia-Version': '2026-03-01', ...headers },
    });
  type Page = { data: { id: string; status: string }[]; has_more: boolean };

  it('requires a known Cartesia-Version and the key', async () => {
    const missing = await fetch(`${sb.cartesiaUrl}/fine-tunes/`, { headers: { Authorization: `Bearer ${sb.cartesiaKey}` } });
    assert.equal(missing.status, 400);
    const unknown = await car('/fine-tunes/', { 'Cartesia-Version': '2019-01-01' });
    assert.equal(unknown.status, 404);
    const body = (await unknown.json()) as Record<string, unknown>;
    assert.equal(body.message, 'API version not found: No API schema exists for the requested Cartesia-Version.');
    assert.ok('error_code' in body && 'title' in body && 'request_id' in body);
    assert.equal((await car('/fine-tunes/', { Authorization: 'Bearer sk_car_wrong' })).status, 401);
  });

  it('pages fine-tunes forwards and backwards', async () => {
    const pages: Page[] = [];
    let cursor = '';
    for (;;) {
      const page = (await (await car(`/fine-tunes/?limit=10${cursor}`)).json()) as Page;
      pages.push(page);
      if (!page.has_more) break;
      cursor = `&starting_after=${page.data[page.data.length - 1].id}`;
    }
    assert.deepEqual(pages.map((p) => p.data.length), [10, 10, 5]);
    const last = pages[2].data;
    assert.deepEqual(await (await car(`/fine-tunes?limit=10&starting_after=${last[last.length - 1].id}`)).json(), { data: [], has_more: false });
    const back = (await (await car(`/fine-tunes?limit=10&ending_before=${last[0].id}`)).json()) as Page;
    assert.deepEqual(back.data.map((f) => f.id), pages[1].data.map((f) => f.id));
    assert.equal(back.has_more, true);
    const first = (await (await car(`/fine-tunes?limit=10&ending_before=${pages[1].data[0].id}`)).json()) as Page;
    assert.deepEqual(first.data.map((f) => f.id), pages[0].data.map((f) => f.id));
    assert.equal(first.has_more, false);
    assert.equal((await car('/fine-tunes/?limit=101')).status, 400);
  });

  it('lists voices of completed fine-tunes with real WAV previews', async () => {
    const all = (await (await car('/fine-tunes/?limit=100')).json()) as Page;
    const completed = all.data.find((f) => f.status === 'completed');
    const training = all.data.find((f) => f.status === 'training');
    assert.ok(completed && training);
    const voices = (await (await car(`/fine-tunes/${completed.id}/voices`)).json()) as { data: { preview_file_url: string }[] };
    assert.ok(voices.data.length > 0);
    const wav = Buffer.from(await (await fetch(voices.data[0].preview_file_url)).arrayBuffer());
    assert.equal(wav.subarray(0, 4).toString(), 'RIFF');
    assert.equal(wav.subarray(8, 12).toString(), 'WAVE');
    assert.deepEqual(await (await car(`/fine-tunes/${training.id}/voices`)).json(), { data: [], has_more: false });
    const del = await fetch(`${sb.cartesiaUrl}/fine-tunes/${completed.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${sb.cartesiaKey}`, 'Cartesia-Version': '2026-03-01' },
    });
    assert.equal(del.status, 204);
    assert.equal((await car(`/fine-tunes/${completed.id}`)).status, 404);
  });
});

describe('sandbox: the seed curl examples work against it', () => {
  it('creates a tune with -F multipart and with --data @data.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-curl-'));
    try {
      for (const n of [1, 2, 3, 4]) writeFileSync(join(dir, `${n}.jpg`), randomBytes(1000 + n));
      const common = ['-s', '-o', '-', '-w', '\n%{http_code}', '-X', 'POST', '-H', `Authorization: Bearer ${sb.astriaKey}`, `${sb.url}/tunes`];
      const multipart = await run('curl', [
        ...common,
        '-F', 'tune[title]=Jane Doe - UUID - 1234-6789-1234-56789',
        '-F', 'tune[name]=woman',
        '-F', 'tune[base_tune_id]=1504944',
        '-F', 'tune[model_type]=lora',
        '-F', 'tune[token]=ohwx',
        '-F', 'tune[images][]=@1.jpg',
        '-F', 'tune[images][]=@2.jpg',
        '-F', 'tune[images][]=@3.jpg',
        '-F', 'tune[images][]=@4.jpg',
        '-F', 'tune[prompts_attributes][][text]=ohwx woman holding flowers',
        '-F', 'tune[prompts_attributes][][inpaint_faces]=true',
        '-F', 'tune[prompts_attributes][][super_resolution]=true',
      ], { cwd: dir });
      const [body1, status1] = multipart.stdout.split('\n');
      assert.equal(status1, '201', body1);
      const tune = JSON.parse(body1) as Json & { orig_images: string[]; model_type: string };
      assert.equal(tune.orig_images.length, 4);
      assert.equal(tune.model_type, 'lora');
      const prompts = (await (await api(`/tunes/${tune.id}/prompts`)).json()) as Json[];
      assert.equal(prompts.length, 1);
      assert.equal(prompts[0].inpaint_faces, true);

      // The seed's data.json, verbatim: same title as above, so the idempotent title returns that tune.
      writeFileSync(join(dir, 'data.json'), JSON.stringify({
        tune: {
          title: 'Jane Doe - UUID - 1234-6789-1234-56789',
          name: 'cat',
          branch: 'fast',
          callback: 'https://optional-callback-url.com/to-your-service-when-ready?user_id=1&tune_id=1',
          image_urls: Array(4).fill('https://i.imgur.com/HLHBnl9.jpeg'),
          prompts_attributes: [{
            text: '<lora...> ohwx woman holding flowers',
            callback: 'https://optional-callback-url.com/to-your-service-when-ready?user_id=1&tune_id=1&prompt_id=1',
          }],
        },
      }));
      const postData = () => run('curl', [...common, '-H', 'Content-Type: application/json', '--data', '@data.json'], { cwd: dir });
      const [again, status2] = (await postData()).stdout.split('\n');
      assert.equal(status2, '200', again);
      assert.equal((JSON.parse(again) as Json).id, tune.id);

      sb.reset();
      const [body3, status3] = (await postData()).stdout.split('\n');
      assert.equal(status3, '201', body3);
      const jsonTune = JSON.parse(body3) as Json;
      assert.equal(jsonTune.branch, 'fast');
      assert.equal(jsonTune.name, 'cat');
      assert.equal(((await (await api(`/tunes/${jsonTune.id}/prompts`)).json()) as Json[]).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sandbox: a server that ignores every paging parameter', () => {
  after(() => sb.setIgnorePaging(false));

  it('POST /__admin/paging {ignore}: every list answers its first 20 whatever before_id, limit and offset say; survives reset', async () => {
    const normal = (await (await api('/tunes?limit=50')).json()) as Json[];
    assert.equal(normal.length, 45);
    assert.deepEqual(await (await admin('/paging', { ignore: true })).json(), { ignorePaging: true });
    assert.equal(sb.ignorePaging, true);
    const first = ((await (await api('/tunes')).json()) as Json[]).map((t) => t.id);
    assert.equal(first.length, 20);
    for (const query of ['limit=50', `before_id=${first[19]}`, 'offset=20', 'offset=500', 'limit=5&offset=40']) {
      assert.deepEqual(((await (await api(`/tunes?${query}`)).json()) as Json[]).map((t) => t.id), first, query);
    }
    const prompts = (await (await api('/prompts?offset=20&limit=50')).json()) as Json[];
    assert.deepEqual(prompts.map((p) => p.id), ((await (await api('/prompts')).json()) as Json[]).map((p) => p.id));
    assert.equal(prompts.length, 20);
    sb.reset();
    assert.equal(((await (await api('/tunes?limit=50')).json()) as Json[]).length, 20, 'survives reset, like the profile');
    assert.equal(((await (await admin('')).json()) as { ignorePaging: boolean }).ignorePaging, true);
    assert.equal((await admin('/paging', { ignore: 'yes' })).status, 422);
    assert.deepEqual(await (await admin('/paging', { ignore: false })).json(), { ignorePaging: false });
    assert.equal(((await (await api('/tunes?limit=50')).json()) as Json[]).length, 45);
  });

  it('startSandbox({ignorePaging: true}) starts that way; seed-tunes adds "Tune 1" … "Tune N"', async () => {
    const other = await startSandbox({ quiet: true, seed: 'empty', ignorePaging: true });
    try {
      const res = await fetch(`${other.url}/__admin/seed-tunes`, { method: 'POST', body: JSON.stringify({ count: 25 }), headers: { 'Content-Type': 'application/json' } });
      assert.equal(res.status, 201);
      assert.equal(((await res.json()) as Json[]).length, 25);
      const page = (await (await fetch(`${other.url}/tunes?offset=20`, { headers: { Authorization: `Bearer ${other.astriaKey}` } })).json()) as (Json & { title: string })[];
      assert.deepEqual(page.map((t) => t.title), Array.from({ length: 20 }, (_, n) => `Tune ${25 - n}`), 'newest first, offset ignored');
    } finally {
      await other.close();
    }
  });
});

describe('sandbox: the demo a new user sees, and the hostile demo the tests see', () => {
  const MARKUP = /<[a-z/!]|onerror|onload|<script|DROP TABLE|\$\{/i;

  /** Every tune title, prompt text (and negative prompt) and Cartesia name/description of a sandbox's demo data. */
  async function demoStrings(box: Sandbox): Promise<{ tunes: string[]; prompts: string[]; voices: string[] }> {
    const get = async (url: string, headers: Record<string, string>) => (await (await fetch(url, { headers })).json()) as Json;
    const astria = { Authorization: `Bearer ${box.astriaKey}` };
    const tunes = (await get(`${box.url}/tunes?limit=120`, astria)) as unknown as { title: string }[];
    const prompts = (await get(`${box.url}/prompts?limit=120`, astria)) as unknown as { text: string }[];
    const cartesia = { Authorization: `Bearer ${box.cartesiaKey}`, 'Cartesia-Version': '2026-03-01' };
    const fineTunes = (await get(`${box.cartesiaUrl}/fine-tunes/?limit=100`, cartesia)) as unknown as { data: { name: string; description: string }[] };
    return {
      tunes: tunes.map((t) => t.title),
      prompts: prompts.map((p) => p.text),
      voices: fineTunes.data.flatMap((f) => [f.name, f.description]),
    };
  }

  it('greets `npm start` with ordinary words: no markup or script in titles, prompts or voice names (guards issue #24)', async () => {
    const demo = await startSandbox({ quiet: true });
    try {
      const { tunes, prompts, voices } = await demoStrings(demo);
      assert.equal(tunes.length, 45, 'the same 45 tunes');
      assert.ok(prompts.length > 20 && voices.length >= 25, 'prompts and voices are there');
      // <lora:ID:w>, <faceid:ID:w> and <1> are Astria's prompt syntax, shown on purpose, not markup.
      for (const text of [...tunes, ...prompts, ...voices]) assert.doesNotMatch(text.replace(/<(lora|faceid):[^>]*>|<1>/g, ''), MARKUP, `demo text: ${text}`);
      assert.ok(tunes.includes('Noah Fischer — street style'), 'the hostile title’s row has an ordinary title');
    } finally {
      await demo.close();
    }
  });

  it('gives the tests (hostileDemo: true) the same rows with the hostile strings, also after a reset', async () => {
    const demo = await startSandbox({ quiet: true });
    try {
      const plain = await demoStrings(demo);
      const { tunes, prompts, voices } = await demoStrings(sb);
      assert.ok(tunes.includes('<img src=x onerror=alert(1)>') && tunes.includes('"><svg onload=alert(1)>'), 'hostile tune titles');
      assert.ok(prompts.some((t) => t.includes('</textarea><script>alert("prompt")</script>')), 'a hostile prompt text');
      assert.ok(voices.includes('<b>Bold</b> announcer'), 'a hostile voice name');
      assert.equal(tunes.length, plain.tunes.length, 'as many tunes as the plain demo');
      assert.equal(prompts.length, plain.prompts.length, 'as many prompts');
      assert.equal(voices.length, plain.voices.length, 'as many voices');
      sb.reset();
      assert.ok((await demoStrings(sb)).tunes.includes('<img src=x onerror=alert(1)>'), 'still there after a reset');
    } finally {
      await demo.close();
    }
  });
});

describe('sandbox: documented profile (only what Astria’s public docs promise)', () => {
  beforeEach(async () => {
    const res = await admin('/profile', { profile: 'documented' });
    assert.equal(res.status, 200);
  });
  after(() => sb.setProfile('rich'));

  it('ignores before_id, limit and title; pages with offset, 20 at a time; lists no base tunes', async () => {
    const first = (await (await api('/tunes?limit=50')).json()) as Json[];
    assert.equal(first.length, 20);
    const cursor = (await (await api(`/tunes?before_id=${first[19].id}`)).json()) as Json[];
    assert.deepEqual(cursor.map((t) => t.id), first.map((t) => t.id), 'before_id ignored');
    const titled = (await (await api(`/tunes?title=${encodeURIComponent(String(first[5].title))}`)).json()) as Json[];
    assert.equal(titled.length, 20, 'title ignored');
    const all: Json[] = [];
    for (let offset = 0; offset < 100; offset += 20) all.push(...((await (await api(`/tunes?offset=${offset}`)).json()) as Json[]));
    assert.equal(all.length, 40, 'the 40 own tunes, no base tunes');
    assert.equal(new Set(all.map((t) => t.id)).size, 40);
    assert.ok(all.every((t) => t.name !== null));
  });

  it('creates a second tune for a repeated title, and answers a tune 422 as {"error": …}', async () => {
    const body = { tune: { title: 'Same title twice', name: 'man', image_urls: ['https://example.com/1.jpg'] } };
    const a = (await (await postJson('/tunes', body)).json()) as Json;
    const b = (await (await postJson('/tunes', body)).json()) as Json;
    assert.notEqual(a.id, b.id);
    const bad = await postJson('/tunes', { tune: { title: 'x' } });
    assert.equal(bad.status, 422);
    assert.deepEqual(Object.keys((await bad.json()) as object), ['error']);
  });

  it('leaves out the undocumented fields; the admin API still shows them', async () => {
    const [tune] = (await (await api('/tunes')).json()) as Json[];
    for (const field of ['auto_extend', 'preset', 'user_error']) assert.ok(!(field in tune), field);
    const full = (await (await admin(`/tunes/${tune.id}`)).json()) as Json;
    assert.equal(typeof full.auto_extend, 'boolean');
  });

  it('refuses an unknown profile', async () => {
    assert.equal((await admin('/profile', { profile: 'strict' })).status, 422);
  });
});

describe('sandbox: the audit log (every request of its life, for the key-leak check)', () => {
  type Entry = import('../sandbox/audit').AuditEntry;
  type Page = import('../sandbox/audit').AuditPage;
  const audit = async (query = ''): Promise<Page> => (await admin(`/audit${query}`)).json() as Promise<Page>;
  const header = (e: Entry, name: string) => e.headers.find(([n]) => n.toLowerCase() === name)?.[1];

  it('keeps origin class, method, full URL, every header and the body of each request; reset and DELETE /requests clear none of it', async () => {
    const before = (await audit()).received;
    await fetch(`${sb.url}/tunes?title=a%20b&x=1`, { headers: { Authorization: `Bearer ${sb.astriaKey}`, 'X-Extra': 'one' } });
    await fetch(`${sb.cartesiaUrl}/fine-tunes?limit=1`, { headers: { 'Cartesia-Version': '2026-03-01', Authorization: `Bearer ${sb.cartesiaKey}` } });
    await fetch(`${sb.cdnUrl}/images/1-1.png?sig=abc`, { method: 'POST', body: 'cdn body' });
    await postJson('/tunes', { tune: { title: 'audited' } });
    await admin('/reset', {});
    await fetch(`${sb.url}/__admin/requests`, { method: 'DELETE' });
    const page = await audit(`?since=${before}`);
    const [astriaGet, cartesiaGet, cdnPost, astriaPost, resetCall, deleteCall] = page.entries;
    assert.deepEqual(
      page.entries.slice(0, 6).map((e) => [e.origin, e.admin, e.method, e.url]),
      [
        ['astria', false, 'GET', `${sb.url}/tunes?title=a%20b&x=1`],
        ['cartesia', false, 'GET', `${sb.cartesiaUrl}/fine-tunes?limit=1`],
        ['cdn', false, 'POST', `${sb.cdnUrl}/images/1-1.png?sig=abc`],
        ['astria', false, 'POST', `${sb.url}/tunes`],
        ['astria', true, 'POST', `${sb.url}/__admin/reset`],
        ['astria', true, 'DELETE', `${sb.url}/__admin/requests`],
      ],
    );
    assert.equal(header(astriaGet!, 'authorization'), `Bearer ${sb.astriaKey}`);
    assert.equal(header(astriaGet!, 'x-extra'), 'one');
    assert.equal(header(cartesiaGet!, 'authorization'), `Bearer ${sb.cartesiaKey}`);
    assert.equal(cdnPost!.body, 'cdn body', 'a CDN body is kept though no route reads it');
    assert.equal(astriaPost!.body, JSON.stringify({ tune: { title: 'audited' } }));
    assert.equal(astriaPost!.status, 422);
    assert.ok(resetCall && deleteCall);
    assert.ok(page.entries.every((e, i) => e.seq === before + i + 1), 'numbered in arrival order');
    assert.equal(sb.requests.length, 0, 'the old request log was cleared, the audit was not');
  });

  it('keeps a long body as its head and tail, and a binary one byte for byte (latin1)', async () => {
    const before = (await audit()).received;
    const big = `HEAD${'x'.repeat(400 * 1024)}TAIL`;
    await fetch(`${sb.url}/tunes`, { method: 'POST', body: big, headers: { ...auth(), 'content-type': 'text/plain' } });
    const bytes = Buffer.from([0, 1, 0xff, 0x80, 0x41]);
    await fetch(`${sb.url}/tunes`, { method: 'POST', body: bytes, headers: { ...auth(), 'content-type': 'application/octet-stream' } });
    const [long, binary] = (await audit(`?since=${before}`)).entries;
    assert.equal(long!.bodyBytes, big.length);
    assert.ok(long!.body.startsWith('HEAD') && long!.body.endsWith('TAIL'));
    assert.ok(long!.body.length < 260 * 1024 && long!.bodyOmitted > 0);
    assert.deepEqual(Buffer.from(binary!.body, 'latin1'), bytes);
    assert.ok((await audit()).bodiesCut >= 1);
  });

  it('pages with since/limit, filters by origin, and stays bounded: past its limits it counts instead of keeping', async () => {
    const small = await startSandbox({ quiet: true, auditLimits: { entries: 3, body: 16, bodyTail: 4, totalBody: 20 } });
    try {
      const smallAdmin = async (query: string) => (await fetch(`${small.url}/__admin/audit${query}`)).json() as Promise<Page>;
      await fetch(`${small.url}/tunes`, { method: 'POST', body: 'a'.repeat(15) });
      await fetch(`${small.url}/tunes`, { method: 'POST', body: 'b'.repeat(15) });
      const first = await smallAdmin('?limit=1');
      assert.equal(first.entries.length, 1);
      assert.equal(first.next, 1);
      assert.equal(first.entries[0]!.body, 'a'.repeat(15));
      const rest = await smallAdmin('?since=1');
      assert.equal(rest.entries[0]!.body.split('\u0000')[0], 'b'.repeat(5), 'the body budget ran out after 20 bytes');
      assert.equal(rest.bodiesDropped, 1);
      await fetch(`${small.url}/tunes`);
      const full = await smallAdmin('');
      assert.equal(full.entries.length, 3, 'three kept (the audit calls themselves count)');
      assert.ok(full.dropped >= 2);
      assert.equal(full.received, full.entries.length + full.dropped);
      assert.deepEqual((await smallAdmin('?origin=cdn')).entries, []);
    } finally {
      await small.close();
    }
  });
});
