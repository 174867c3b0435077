// The gallery's saved state and its message bounds: a restored panel gets only well-formed filters and
// calendar days back, an image index stays within a prompt's images, and the panel type is the one VS
// Code wakes the extension for after a reload.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GALLERY_VIEW_TYPE, MAX_IMAGES_PER_PROMPT, NO_FILTERS, galleryChecks, localDay, readGalleryFilters } from '../../src/shared/gallery';

describe('gallery: saved state', () => {
  it('is restored after a reload: its view type is the one VS Code activates the extension for', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { activationEvents: string[] };
    assert.equal(GALLERY_VIEW_TYPE, 'tuneStudio.gallery');
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${GALLERY_VIEW_TYPE}`));
  });

  it('takes only real calendar days written YYYY-MM-DD (guards the day pattern and the month check)', () => {
    assert.equal(localDay('2026-11-22'), new Date(2026, 10, 22).getTime());
    assert.equal(localDay('2028-02-29'), new Date(2028, 1, 29).getTime(), 'a leap day');
    for (const day of ['2026-02-30', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-1-5', 'x2026-11-22', '2026-11-22x', ' 2026-11-22', '2026-11-22 ', '12026-11-22', '']) {
      assert.ok(Number.isNaN(localDay(day)), day);
    }
  });

  it('drops what is malformed, field by field, and keeps what is not (guards readGalleryFilters)', () => {
    assert.deepEqual(readGalleryFilters(null), NO_FILTERS);
    assert.deepEqual(readGalleryFilters('text'), NO_FILTERS);
    assert.deepEqual(readGalleryFilters({ text: 'a'.repeat(501), seed: 0, tuneId: -1, aspectRatio: 'x'.repeat(20), from: '2026-02-30', to: '2026-03-01', likedOnly: 'yes' }), {
      text: 'a'.repeat(500),
      seed: 0,
      tuneId: null,
      aspectRatio: 'x'.repeat(20),
      from: null,
      to: '2026-03-01',
      likedOnly: false,
    });
    assert.equal(readGalleryFilters({ aspectRatio: 'x'.repeat(21) }).aspectRatio, null);
    assert.equal(readGalleryFilters({ aspectRatio: 3 }).aspectRatio, null);
    assert.equal(readGalleryFilters({ seed: 1.5, likedOnly: true }).seed, null);
    assert.equal(readGalleryFilters({ likedOnly: true }).likedOnly, true);
  });
});

describe('gallery: message bounds', () => {
  it('takes an image index up to the last image a prompt can have, not past it', () => {
    const action = (imageIndex: number) => galleryChecks.requests.imageAction({ promptId: 1, imageIndex, url: 'https://cdn.test/a.png', action: 'save' }).ok;
    assert.equal(action(MAX_IMAGES_PER_PROMPT - 1), true);
    assert.equal(action(MAX_IMAGES_PER_PROMPT), false);
    assert.equal(action(-1), false);
  });
});
