// The prompt editor's two lists from the server: History (this session's prompts first, then the newest page)
// and the reference menu's tunes (for <lora:…>/<faceid:…> tokens), page by page.
import type { AstriaClient } from '../api/astria/client';
import type { Prompt, Tune } from '../api/astria/types';
import { NumberedPages } from '../api/paging';
import type { Services } from '../services';
import { errorMessage } from '../shared/errorMessage';
import type { PromptHistoryEntry, ReferenceTune } from '../shared/promptEditor';
import { HISTORY_SIZE, historyEntries, referenceTunes } from './promptEditorModel';

/** Tunes per reference-menu page: one request fills a long menu. */
const REFERENCE_PAGE_SIZE = 120;

/** History: the server's newest prompts of the tune, with this session's on top (they may not be listed yet). */
export async function loadHistory(services: Services, tuneId: number, session: readonly Prompt[]): Promise<PromptHistoryEntry[]> {
  let serverPage: Prompt[] = [];
  try {
    serverPage = await services.astria.listPrompts(tuneId, { limit: HISTORY_SIZE });
  } catch (error) {
    if (session.length === 0) throw error;
    services.log.warn(`Prompt editor: could not load the history of tune ${tuneId}: ${errorMessage(error)}`);
  }
  return historyEntries(serverPage, [...session]);
}

/** The reference menu's tunes, page by page (`cursor` = page number; null starts a fresh listing). */
export class ReferenceMenu {
  private pages: NumberedPages<Tune> | undefined;

  constructor(private readonly client: () => AstriaClient) {}

  async page(cursor: number | null): Promise<{ tunes: ReferenceTune[]; nextCursor: number | null }> {
    if (cursor === null || !this.pages) this.pages = new NumberedPages(this.client().tunePager({ limit: REFERENCE_PAGE_SIZE }));
    const index = cursor ?? 0;
    const page = await this.pages.page(index);
    return { tunes: referenceTunes(page.items), nextCursor: page.hasMore ? index + 1 : null };
  }
}
