// Where the gallery's arrow keys, Home/End and Page Up/Down take the focus (webview-ui/gallery/tileNavigation.ts),
// on real layouts: rows of the grid's columns, prompts one after the other, tiles that are not images skipped.
// Guards issue #24 (the grid had no arrow-key movement); the browser side is test/e2e/galleryKeyboard.e2e.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layoutGallery } from '../../webview-ui/gallery/layout';
import { isNavigationKey, navigate, type TilePosition } from '../../webview-ui/gallery/tileNavigation';

// Three columns: prompt 0 has 5 images (rows of 3 and 2), prompt 1 has 4 (3 and 1), prompt 2 is 2 queued tiles.
const layout = layoutGallery(
  [5, 4, 2].map((tiles) => ({ tiles, aspect: 1, headerHeight: 40 })),
  { width: 3 * 100 + 2 * 8, minTileWidth: 100, gap: 8, groupSpacing: 12 },
);
const queued = (p: TilePosition) => p.group === 2;
const isImage = (p: TilePosition) => !queued(p);
const at = (group: number, tile: number): TilePosition => ({ group, tile });

describe('gallery keyboard: where each key goes', () => {
  it('lays out three columns (the premise of the cases below)', () => {
    assert.equal(layout.columns, 3);
  });

  it('Left and Right go through the images in reading order, across prompts, and stop at the ends', () => {
    assert.deepEqual(navigate(layout, isImage, at(0, 0), 'ArrowRight'), at(0, 1));
    assert.deepEqual(navigate(layout, isImage, at(0, 4), 'ArrowRight'), at(1, 0), 'from the last image of a prompt to the next prompt');
    assert.deepEqual(navigate(layout, isImage, at(1, 0), 'ArrowLeft'), at(0, 4));
    assert.equal(navigate(layout, isImage, at(0, 0), 'ArrowLeft'), undefined, 'nothing before the first image');
    assert.equal(navigate(layout, isImage, at(1, 3), 'ArrowRight'), undefined, 'queued tiles are not stops: the last image is the end');
  });

  it('Up and Down go a row of tiles, to the same column or the nearest image in that row', () => {
    assert.deepEqual(navigate(layout, isImage, at(0, 1), 'ArrowDown'), at(0, 4), 'column 1 of the next row');
    assert.deepEqual(navigate(layout, isImage, at(0, 2), 'ArrowDown'), at(0, 4), 'that row has no column 2: the nearest image');
    assert.deepEqual(navigate(layout, isImage, at(0, 4), 'ArrowDown'), at(1, 1), 'into the next prompt, same column');
    assert.deepEqual(navigate(layout, isImage, at(1, 2), 'ArrowUp'), at(0, 4), 'up into the previous prompt’s last row');
    assert.equal(navigate(layout, isImage, at(0, 1), 'ArrowUp'), undefined, 'the first row is the top');
    assert.equal(navigate(layout, isImage, at(1, 3), 'ArrowDown'), undefined, 'rows of queued tiles are skipped: nothing below');
  });

  it('Home and End go to the first and last image; Page Up and Page Down go several rows, stopping at the ends', () => {
    assert.deepEqual(navigate(layout, isImage, at(1, 2), 'Home'), at(0, 0));
    assert.deepEqual(navigate(layout, isImage, at(0, 0), 'End'), at(1, 3));
    assert.deepEqual(navigate(layout, isImage, at(0, 0), 'PageDown', 2), at(1, 0), 'two rows down');
    assert.deepEqual(navigate(layout, isImage, at(0, 0), 'PageDown', 10), at(1, 3), 'as far as there are rows of images');
    assert.deepEqual(navigate(layout, isImage, at(1, 3), 'PageUp', 2), at(0, 3), 'two rows up, same column');
  });

  it('Left from the second image reaches the first, and Up from the second row reaches the first row', () => {
    assert.deepEqual(navigate(layout, isImage, at(0, 1), 'ArrowLeft'), at(0, 0));
    assert.deepEqual(navigate(layout, isImage, at(0, 4), 'ArrowUp'), at(0, 1));
    assert.deepEqual(navigate(layout, isImage, at(0, 3), 'PageUp', 5), at(0, 0), 'Page Up stops at the first row');
  });

  it('Up and Down look for the nearest image on both sides of the column, within the row only', () => {
    // Column 0 of prompt 1's first row is not an image: the nearest is to its right (column 1).
    const noFirstOfSecond = (p: TilePosition) => isImage(p) && !(p.group === 1 && p.tile === 0);
    assert.deepEqual(navigate(layout, noFirstOfSecond, at(0, 3), 'ArrowDown'), at(1, 1));
    // Column 0 of prompt 0's second row is not an image: the search must not step left into the row above (tile 2).
    const noFourth = (p: TilePosition) => isImage(p) && !(p.group === 0 && p.tile === 3);
    assert.deepEqual(navigate(layout, noFourth, at(0, 0), 'ArrowDown'), at(0, 4));
  });

  it('a focus position the grid does not have (its tile went away) moves nowhere', () => {
    for (const key of ['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp'] as const) {
      assert.equal(navigate(layout, isImage, at(0, 7), key), undefined, `${key} from a tile past the prompt's last`);
      assert.equal(navigate(layout, isImage, at(0, -1), key), undefined, `${key} from a tile before the prompt's first`);
      assert.equal(navigate(layout, isImage, at(9, 0), key), undefined, `${key} from a prompt that is not shown`);
    }
  });

  it('handles only the arrow keys, Home, End, Page Up and Page Down (other keys such as Enter keep their meaning)', () => {
    for (const key of ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']) assert.equal(isNavigationKey(key), true, key);
    for (const key of ['Enter', ' ', 'a', 'Tab', 'Escape', 'arrowup', '']) assert.equal(isNavigationKey(key), false, JSON.stringify(key));
  });

  it('a grid without images has nowhere to go', () => {
    assert.equal(navigate(layout, () => false, at(0, 0), 'ArrowRight'), undefined);
    assert.equal(navigate(layout, () => false, at(0, 0), 'Home'), undefined);
  });
});
