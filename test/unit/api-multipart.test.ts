import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multipartBody, railsFormEntries, type UploadProgress } from '../../src/api/multipart';

describe('railsFormEntries', () => {
  it('flattens scalars, booleans, arrays and nested prompts the Rails way', () => {
    const entries = railsFormEntries('tune', {
      title: 'Jane 1f3a',
      name: 'woman',
      steps: 500,
      face_crop: true,
      auto_extend: false,
      base_tune_id: undefined,
      model_type: null,
      image_urls: ['https://a/1.jpg', 'https://a/2.jpg'],
      characteristics: { eye_color: 'green' },
      prompts_attributes: [{ num_images: 2, text: 'first <1>' }, { text: 'second' }],
    });
    assert.deepEqual(entries, [
      ['tune[title]', 'Jane 1f3a'],
      ['tune[name]', 'woman'],
      ['tune[steps]', '500'],
      ['tune[face_crop]', 'true'],
      ['tune[auto_extend]', 'false'],
      ['tune[image_urls][]', 'https://a/1.jpg'],
      ['tune[image_urls][]', 'https://a/2.jpg'],
      ['tune[characteristics]', '{"eye_color":"green"}'],
      ['tune[prompts_attributes][][text]', 'first <1>'],
      ['tune[prompts_attributes][][num_images]', '2'],
      ['tune[prompts_attributes][][text]', 'second'],
    ]);
  });
});

describe('multipartBody', () => {
  let dir: string;
  const fileBytes = Buffer.from(Array.from({ length: 200_000 }, (_, index) => index % 251));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tune-studio-multipart-'));
    await writeFile(join(dir, 'face.jpg'), fileBytes);
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function drain(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
    const chunks: Uint8Array[] = [];
    const reader = stream.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
    return Buffer.concat(chunks);
  }

  it('streams fields and file bytes with matching Content-Length and progress', async () => {
    const progress: UploadProgress[] = [];
    const makeBody = multipartBody(
      [['tune[title]', 'x'], ['tune[images][]', { path: join(dir, 'face.jpg'), type: 'image/jpeg' }]],
      (p) => progress.push(p),
    );
    const { stream, headers } = await makeBody();
    const bytes = await drain(stream);
    assert.match(headers['Content-Type'], /^multipart\/form-data; boundary=/);
    assert.equal(Number(headers['Content-Length']), bytes.length);
    assert.ok(bytes.includes(fileBytes), 'file bytes are sent unchanged');
    assert.ok(bytes.includes(Buffer.from('name="tune[images][]"; filename="face.jpg"')));
    assert.ok(bytes.includes(Buffer.from('Content-Type: image/jpeg')));
    const last = progress[progress.length - 1];
    assert.deepEqual(last, { sentBytes: bytes.length, totalBytes: bytes.length });
    assert.ok(progress.every((p, index) => index === 0 || p.sentBytes >= progress[index - 1].sentBytes));
  });

  it('produces a fresh, complete stream on every call (one per retry)', async () => {
    const makeBody = multipartBody([['tune[images][]', { path: join(dir, 'face.jpg'), name: 'renamed.jpg' }]]);
    const first = await drain((await makeBody()).stream);
    const second = await drain((await makeBody()).stream);
    assert.equal(first.length, second.length);
    assert.ok(second.includes(fileBytes));
    assert.ok(second.includes(Buffer.from('filename="renamed.jpg"')));
  });
});
