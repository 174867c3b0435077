// The gallery's filters as pure logic: which loaded prompts match, the chips that name the active
// filters, and reading filters back from a saved state (written by an older version, perhaps).
import { NO_FILTERS, localDay, readGalleryFilters, type GalleryFilters, type GalleryPrompt } from '../../src/shared/gallery';

export type FilterKey = Exclude<keyof GalleryFilters, never>;

export function isFiltered(filters: GalleryFilters): boolean {
  return (
    filters.text.trim() !== '' ||
    filters.seed !== null ||
    filters.tuneId !== null ||
    filters.aspectRatio !== null ||
    filters.from !== null ||
    filters.to !== null ||
    filters.likedOnly
  );
}


/**
 * A predicate for the filters, prepared once (lower-cased words, day bounds) so that testing thousands
 * of prompts costs a few string searches each; undefined when nothing filters.
 */
export function compileFilters(filters: GalleryFilters): ((prompt: GalleryPrompt) => boolean) | undefined {
  if (!isFiltered(filters)) return undefined;
  const lowered = filters.text.toLowerCase();
  // Stryker disable next-line MethodExpression,Regex: an empty word (from leading, trailing or repeated spaces) is in every text, so dropping empty words only saves work
  const words = lowered.split(/\s+/).filter(Boolean);
  const from = filters.from ? localDay(filters.from) : Number.NaN;
  const to = filters.to ? startOfDayAfter(filters.to) : Number.NaN;
  const { seed, tuneId, aspectRatio, likedOnly } = filters;
  return (prompt) => {
    if (likedOnly && !prompt.liked) return false;
    if (seed !== null && prompt.seed !== seed) return false;
    if (tuneId !== null && prompt.tuneId !== tuneId) return false;
    if (aspectRatio !== null && prompt.aspectRatio !== aspectRatio) return false;
    if (!Number.isNaN(from) || !Number.isNaN(to)) {
      const at = Date.parse(prompt.createdAt);
      if (Number.isNaN(at) || (!Number.isNaN(from) && at < from) || (!Number.isNaN(to) && at >= to)) return false;
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: with no words the loop below tests nothing; the guard only skips lower-casing the text
    if (words.length > 0) {
      const text = prompt.text.toLowerCase();
      for (const word of words) if (!text.includes(word)) return false;
    }
    return true;
  };
}

/** Start of the local day after `day`, in ms: not always 24 hours later (23 or 25 when the clocks change). */
function startOfDayAfter(day: string): number {
  const start = new Date(localDay(day));
  start.setDate(start.getDate() + 1);
  return start.getTime();
}

export interface FilterChip {
  key: FilterKey;
  label: string;
}

/** One removable chip per active filter, in the toolbar's order. */
export function filterChips(filters: GalleryFilters, tuneTitle: (tuneId: number) => string | undefined = () => undefined): FilterChip[] {
  const chips: FilterChip[] = [];
  if (filters.text.trim()) chips.push({ key: 'text', label: `Text: “${filters.text.trim()}”` });
  if (filters.seed !== null) chips.push({ key: 'seed', label: `Seed: ${filters.seed}` });
  if (filters.tuneId !== null) chips.push({ key: 'tuneId', label: `Tune: ${tuneTitle(filters.tuneId) ?? filters.tuneId}` });
  if (filters.aspectRatio !== null) chips.push({ key: 'aspectRatio', label: `Aspect: ${filters.aspectRatio}` });
  if (filters.from !== null) chips.push({ key: 'from', label: `From: ${filters.from}` });
  if (filters.to !== null) chips.push({ key: 'to', label: `To: ${filters.to}` });
  if (filters.likedOnly) chips.push({ key: 'likedOnly', label: 'Liked only' });
  return chips;
}

export function withoutFilter(filters: GalleryFilters, key: FilterKey): GalleryFilters {
  return { ...filters, [key]: NO_FILTERS[key] };
}

/** Filters from a saved state: anything malformed is dropped, field by field (shared with the host). */
export const readFilters = readGalleryFilters;

/** A seed typed into the toolbar: digits only, else no seed filter. */
export function parseSeed(text: string): number | null {
  const trimmed = text.trim();
  return /^\d{1,10}$/.test(trimmed) ? Number(trimmed) : null;
}
