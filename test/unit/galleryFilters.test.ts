// The gallery's filter logic and selection model, as pure functions (the webview uses exactly these).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NO_FILTERS, localDay, type GalleryFilters, type GalleryPrompt } from '../../src/shared/gallery';
import { compileFilters, filterChips, isFiltered, parseSeed, readFilters, withoutFilter } from '../../webview-ui/gallery/filters';
import { SelectionModel, type ImageId } from '../../webview-ui/gallery/selection';
import { filtersFromViewState, textSearchHonoured } from '../../src/webviews/galleryModel';

function prompt(id: number, change: Partial<GalleryPrompt> = {}): GalleryPrompt {
  return {
    id,
    tuneId: 1,
    text: `prompt ${id}`,
    aspect: 1,
    status: 'done',
    expectedImages: 1,
    images: [{ url: `https://cdn/${id}.png` }],
    liked: false,
    createdAt: '2026-11-20T12:00:00.000Z',
    ...change,
  };
}

const filters = (change: Partial<GalleryFilters>): GalleryFilters => ({ ...NO_FILTERS, ...change });
const ids = (prompts: GalleryPrompt[], f: GalleryFilters) => {
  const match = compileFilters(f);
  return (match ? prompts.filter(match) : prompts).map((p) => p.id);
};

describe('gallery filters', () => {
  const prompts = [
    prompt(1, { text: 'Portrait of <1> man, STUDIO light', seed: 42, aspectRatio: '1:1', liked: true }),
    prompt(2, { text: 'studio portrait, film grain', seed: 7, tuneId: 2, aspectRatio: '16:9' }),
    prompt(3, { text: 'a cat on a sofa', seed: 42, aspectRatio: '16:9', createdAt: '2026-11-25T08:00:00.000Z', liked: true }),
    prompt(4, { text: 'studio cat', createdAt: '' }),
  ];

  it('matches every word of the text, case-insensitive, in any order', () => {
    assert.deepEqual(ids(prompts, filters({ text: 'studio' })), [1, 2, 4]);
    assert.deepEqual(ids(prompts, filters({ text: 'PORTRAIT studio' })), [1, 2]);
    assert.deepEqual(ids(prompts, filters({ text: '<1>' })), [1], 'tokens are text, not markup');
    assert.deepEqual(ids(prompts, filters({ text: 'dog' })), []);
  });

  it('filters by seed, tune, aspect ratio and liked, and combines them (AND)', () => {
    assert.deepEqual(ids(prompts, filters({ seed: 42 })), [1, 3]);
    assert.deepEqual(ids(prompts, filters({ tuneId: 2 })), [2]);
    assert.deepEqual(ids(prompts, filters({ aspectRatio: '16:9' })), [2, 3]);
    assert.deepEqual(ids(prompts, filters({ likedOnly: true })), [1, 3]);
    assert.deepEqual(ids(prompts, filters({ seed: 42, aspectRatio: '16:9', likedOnly: true })), [3]);
    assert.deepEqual(ids(prompts, filters({ seed: 42, text: 'studio' })), [1]);
  });

  it('takes a date range of local days, both ends inclusive; prompts without a date do not match it', () => {
    const day = (iso: string) => {
      const d = new Date(iso);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    const first = day('2026-11-20T12:00:00.000Z');
    const later = day('2026-11-25T08:00:00.000Z');
    assert.deepEqual(ids(prompts, filters({ from: later })), [3]);
    assert.deepEqual(ids(prompts, filters({ to: first })), [1, 2]);
    assert.deepEqual(ids(prompts, filters({ from: first, to: later })), [1, 2, 3]);
  });

  it('includes a prompt made at the first instant of the From day and excludes one made at the first instant after the To day', () => {
    const day = '2026-11-22';
    const midnight = localDay(day);
    const next = localDay('2026-11-23');
    const at = (ms: number, id: number) => prompt(id, { createdAt: new Date(ms).toISOString() });
    const edge = [at(midnight - 1, 1), at(midnight, 2), at(next - 1, 3), at(next, 4)];
    assert.deepEqual(ids(edge, filters({ from: day })), [2, 3, 4], 'From is inclusive from the first millisecond of the day');
    assert.deepEqual(ids(edge, filters({ to: day })), [1, 2, 3], 'To ends where the next day starts');
    assert.deepEqual(ids(edge, filters({ from: day, to: day })), [2, 3], 'one whole day, nothing either side');
  });

  it('takes the whole To day when the clocks change that day (a 25-hour day keeps its last hour, a 23-hour day ends at midnight)', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'Europe/Berlin';
    try {
      const local = (y: number, m: number, d: number, h: number, min: number) => new Date(y, m - 1, d, h, min).toISOString();
      const autumn = [prompt(1, { createdAt: local(2026, 10, 25, 23, 30) }), prompt(2, { createdAt: local(2026, 10, 26, 0, 0) })];
      assert.deepEqual(ids(autumn, filters({ to: '2026-10-25' })), [1], 'clocks go back on 25 October: 23:30 is still that day');
      const spring = [prompt(3, { createdAt: local(2026, 3, 29, 23, 30) }), prompt(4, { createdAt: local(2026, 3, 30, 0, 30) })];
      assert.deepEqual(ids(spring, filters({ to: '2026-03-29' })), [3], 'clocks go forward on 29 March: 00:30 the next day is not');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('is no filter at all when nothing is set (the unfiltered path does no work)', () => {
    assert.equal(isFiltered(NO_FILTERS), false);
    assert.equal(compileFilters(NO_FILTERS), undefined);
    assert.equal(compileFilters(filters({ text: '   ' })), undefined);
    assert.equal(isFiltered(filters({ likedOnly: true })), true);
  });

  it('names each active filter as a removable chip, and removing one keeps the others', () => {
    const f = filters({ text: ' cat ', seed: 42, tuneId: 2, likedOnly: true });
    assert.deepEqual(
      filterChips(f, (id) => (id === 2 ? 'Second tune' : undefined)).map((c) => c.label),
      ['Text: “cat”', 'Seed: 42', 'Tune: Second tune', 'Liked only'],
    );
    const fewer = withoutFilter(f, 'seed');
    assert.equal(fewer.seed, null);
    assert.equal(fewer.text, ' cat ');
    assert.deepEqual(
      filterChips(withoutFilter(fewer, 'likedOnly')).map((c) => c.key),
      ['text', 'tuneId'],
    );
  });

  it('shows a chip for every kind of filter, each with the key that removes exactly that filter', () => {
    const all = filters({ text: 'cat', seed: 42, tuneId: 2, aspectRatio: '16:9', from: '2026-11-01', to: '2026-11-30', likedOnly: true });
    const chips = filterChips(all);
    assert.deepEqual(chips, [
      { key: 'text', label: 'Text: “cat”' },
      { key: 'seed', label: 'Seed: 42' },
      { key: 'tuneId', label: 'Tune: 2' },
      { key: 'aspectRatio', label: 'Aspect: 16:9' },
      { key: 'from', label: 'From: 2026-11-01' },
      { key: 'to', label: 'To: 2026-11-30' },
      { key: 'likedOnly', label: 'Liked only' },
    ]);
    // Removing each chip's filter takes away that chip and only that one.
    for (const chip of chips) {
      assert.deepEqual(
        filterChips(withoutFilter(all, chip.key)).map((c) => c.key),
        chips.map((c) => c.key).filter((key) => key !== chip.key),
        `removing the ${chip.label} chip`,
      );
    }
  });

  it('shows no chip for a filter that is not set, nor for text that is only spaces', () => {
    assert.deepEqual(filterChips(NO_FILTERS), []);
    assert.deepEqual(filterChips(filters({ text: '   ', seed: 7 })), [{ key: 'seed', label: 'Seed: 7' }]);
    assert.deepEqual(filterChips(filters({ aspectRatio: '1:1' })).map((c) => c.key), ['aspectRatio']);
  });

  it('reads filters back from a saved state, dropping whatever is malformed', () => {
    assert.deepEqual(readFilters(undefined), NO_FILTERS);
    assert.deepEqual(readFilters({ text: 'cat', seed: 42, from: '2026-11-01', to: 'yesterday', likedOnly: 'yes', aspectRatio: 5 }), {
      ...NO_FILTERS,
      text: 'cat',
      seed: 42,
      from: '2026-11-01',
    });
    assert.equal(readFilters({ seed: -1 }).seed, null);
    assert.equal(readFilters({ from: '2026-02-30' }).from, null, 'not a day');
  });

  it('hands the host the filters of a restored state only when they filter something', () => {
    assert.equal(filtersFromViewState({ version: 1, subject: { kind: 'recent' } }), null);
    assert.equal(filtersFromViewState({ filters: { text: '  ', likedOnly: false } }), null);
    assert.deepEqual(filtersFromViewState({ filters: { likedOnly: true, seed: 'x' } }), { ...NO_FILTERS, likedOnly: true });
  });

  it('tells whether a server honoured GET /prompts?text= (every prompt it sent contains the text)', () => {
    assert.equal(textSearchHonoured([{ text: 'A Cat on a sofa' }, { text: 'cat food' }], ' cat '), true);
    assert.equal(textSearchHonoured([{ text: 'a cat' }, { text: 'a dog' }], 'cat'), false, 'a dog: the server ignored the filter');
    assert.equal(textSearchHonoured([], 'cat'), true, 'no results is an answer');
  });

  it('takes a typed seed only when it is a number', () => {
    assert.equal(parseSeed(' 42 '), 42);
    assert.equal(parseSeed('4e2'), null);
    assert.equal(parseSeed(''), null);
  });
});

describe('gallery selection', () => {
  const order: ImageId[] = [
    { promptId: 9, imageIndex: 0 },
    { promptId: 9, imageIndex: 1 },
    { promptId: 8, imageIndex: 0 },
    { promptId: 8, imageIndex: 1 },
    { promptId: 7, imageIndex: 0 },
  ];
  const selected = (s: SelectionModel) => s.inOrder(order).map((i) => `${i.promptId}:${i.imageIndex}`);

  it('click selects one, Ctrl/Cmd+click toggles one and keeps the rest', () => {
    const s = new SelectionModel();
    s.click(order[1], { range: false, toggle: false }, order);
    s.click(order[3], { range: false, toggle: true }, order);
    assert.deepEqual(selected(s), ['9:1', '8:1']);
    s.click(order[1], { range: false, toggle: true }, order);
    assert.deepEqual(selected(s), ['8:1']);
    s.click(order[4], { range: false, toggle: false }, order);
    assert.deepEqual(selected(s), ['7:0'], 'a plain click starts over');
  });

  it('Shift+click selects the range from the anchor in display order, both directions, across prompts', () => {
    const s = new SelectionModel();
    s.click(order[1], { range: false, toggle: false }, order);
    s.click(order[3], { range: true, toggle: false }, order);
    assert.deepEqual(selected(s), ['9:1', '8:0', '8:1']);
    // The anchor stays: Shift+click above it replaces the range.
    s.click(order[0], { range: true, toggle: false }, order);
    assert.deepEqual(selected(s), ['9:0', '9:1']);
    // Ctrl+Shift adds a range to what is there.
    s.click(order[4], { range: false, toggle: true }, order);
    s.click(order[3], { range: true, toggle: true }, order);
    assert.deepEqual(selected(s), ['9:0', '9:1', '8:1', '7:0']);
  });

  it('Shift+click without an anchor selects just that image', () => {
    const s = new SelectionModel();
    s.click(order[2], { range: true, toggle: false }, order);
    assert.deepEqual(selected(s), ['8:0']);
  });

  it('Ctrl/Cmd+A selects everything shown, Esc clears, and a filter keeps only what is still shown', () => {
    const s = new SelectionModel();
    assert.equal(s.selectAll(order), true);
    assert.equal(s.size, 5);
    assert.equal(s.selectAll(order), false, 'nothing changed the second time');
    assert.equal(s.retain(order.slice(2)), true);
    assert.deepEqual(selected(s), ['8:0', '8:1', '7:0']);
    assert.equal(s.clear(), true);
    assert.equal(s.size, 0);
    assert.equal(s.clear(), false);
  });
});
