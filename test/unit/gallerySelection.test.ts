// The gallery's multi-selection (webview-ui/gallery/selection.ts) beyond the basic rules in galleryFilters.test.ts:
// where a Shift+click range starts after Ctrl/Cmd+A, a refresh or a filter, and whether each action reports a
// change (the grid redraws the selection marks and the bulk bar only when it does).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SelectionModel, type ImageId } from '../../webview-ui/gallery/selection';

const image = (promptId: number, imageIndex: number): ImageId => ({ promptId, imageIndex });
const order: ImageId[] = [image(9, 0), image(9, 1), image(8, 0), image(8, 1), image(7, 0)];
const plain = { range: false, toggle: false };
const toggle = { range: false, toggle: true };
const shift = { range: true, toggle: false };
const keys = (s: SelectionModel, shown: readonly ImageId[] = order) => s.inOrder(shown).map((i) => `${i.promptId}:${i.imageIndex}`);

describe('gallery selection: the Shift+click anchor', () => {
  it('marks exactly the selected images (what the tiles’ check marks show)', () => {
    const s = new SelectionModel();
    s.click(order[2], plain, order);
    assert.deepEqual(
      order.map((i) => s.has(i)),
      [false, false, true, false, false],
    );
  });

  it('Shift+click above or below the anchor selects the range between them, including the image just after the first', () => {
    const s = new SelectionModel();
    s.click(order[3], plain, order);
    s.click(order[1], shift, order);
    assert.deepEqual(keys(s), ['9:1', '8:0', '8:1']);
  });

  it('Shift+click after Ctrl/Cmd+A starts the range at the first shown image when nothing was clicked before', () => {
    const s = new SelectionModel();
    s.selectAll(order);
    s.click(order[2], shift, order);
    assert.deepEqual(keys(s), ['9:0', '9:1', '8:0']);
  });

  it('Ctrl/Cmd+A keeps the anchor of the last click: Shift+click then ranges from that image', () => {
    const s = new SelectionModel();
    s.click(order[2], plain, order);
    s.selectAll(order);
    s.click(order[4], shift, order);
    assert.deepEqual(keys(s), ['8:0', '8:1', '7:0']);
  });

  it('Ctrl/Cmd+A with nothing shown selects nothing and reports no change', () => {
    const s = new SelectionModel();
    assert.equal(s.selectAll([]), false);
    assert.equal(s.size, 0);
    s.click(order[1], shift, order);
    assert.deepEqual(keys(s), ['9:1'], 'no anchor came from the empty Ctrl/Cmd+A');
  });

  it('a refresh that still shows the anchor keeps it: Shift+click ranges from it', () => {
    const s = new SelectionModel();
    s.click(order[1], plain, order);
    assert.equal(s.retain(order), false, 'nothing went away: no change to redraw');
    s.click(order[3], shift, order);
    assert.deepEqual(keys(s), ['9:1', '8:0', '8:1']);
  });

  it('an anchor that a filter hid is forgotten, even when the image is shown again: Shift+click then selects just the clicked image', () => {
    const s = new SelectionModel();
    s.click(order[0], plain, order);
    assert.equal(s.retain(order.slice(1)), true, 'the hidden image leaves the selection');
    assert.equal(s.size, 0);
    // The filter is removed: 9:0 is back, but it is neither selected nor the anchor.
    s.click(order[2], shift, order);
    assert.deepEqual(keys(s), ['8:0']);
  });

  it('Shift+click when the anchor is not among the shown images adds just the clicked image, keeping the rest', () => {
    const s = new SelectionModel();
    s.click(order[0], plain, order);
    const shown = order.slice(1);
    assert.equal(s.click(order[3], shift, shown), true);
    assert.deepEqual(keys(s), ['9:0', '8:1']);
    assert.equal(s.size, 2, 'no phantom entry from a range with a missing end');
  });

  it('Shift+click on an image that is not among the shown images selects no range', () => {
    const s = new SelectionModel();
    s.click(order[1], plain, order);
    const shown = order.slice(0, 3);
    s.click(order[4], shift, shown);
    assert.deepEqual(keys(s), ['9:1', '7:0']);
    assert.equal(s.size, 2);
  });
});

describe('gallery selection: reporting changes (the marks and the bulk bar are redrawn only then)', () => {
  it('a click reports a change when it selects another image, and none when the same image is clicked again', () => {
    const s = new SelectionModel();
    assert.equal(s.click(order[0], plain, order), true);
    assert.equal(s.click(order[0], plain, order), false, 'already the only selected image');
    assert.equal(s.click(order[1], plain, order), true, 'one image for another: same count, different image');
  });

  it('Shift+click reports a change when the range differs, and none when the same range is selected again', () => {
    const s = new SelectionModel();
    s.click(order[0], plain, order);
    assert.equal(s.click(order[2], shift, order), true);
    assert.equal(s.click(order[2], shift, order), false, 'the same range again');
    assert.equal(s.click(order[1], shift, order), true, 'a shorter range');
  });

  it('a range that swaps the selection for other images of the same count reports a change, even when their ids run together', () => {
    // Prompt 1 image 12 + prompt 3 image 4, then prompt 1 image 1 + prompt 23 image 4: "1:12" "3:4" vs "1:1" "23:4".
    const shown = [image(1, 1), image(23, 4), image(1, 12), image(3, 4)];
    const s = new SelectionModel();
    s.click(shown[2], toggle, shown);
    s.click(shown[3], toggle, shown);
    s.click(shown[0], toggle, shown);
    s.click(shown[0], toggle, shown); // deselects it again, but it stays the anchor
    assert.deepEqual(keys(s, shown), ['1:12', '3:4']);
    assert.equal(s.click(shown[1], shift, shown), true);
    assert.deepEqual(keys(s, shown), ['1:1', '23:4']);
  });
});
