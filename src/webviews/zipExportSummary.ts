// What a ZIP export did, in words: light (the ZIP writer itself, zipExport.ts, loads on first use).

export interface ZipExportResult {
  /** Images in the archive. */
  entries: number;
  /** Distinct images asked for (the same image twice is one entry). */
  total: number;
  /** Images left out, by entry name, with the reason in words. */
  failed: { name: string; reason: string }[];
}

export function describeFailures(failed: ZipExportResult['failed']): string {
  const named = failed.slice(0, 3).map((f) => `${f.name} (${f.reason})`);
  return `${named.join('; ')}${failed.length > 3 ? '; …' : ''}`;
}

/** "Exported 20 images to exports/a.zip." or "Exported 5 of 6 images to exports/a.zip · could not export 1: t/1-2.png (reason)." */
export function describeZipExport(result: ZipExportResult, shownPath: string): string {
  const { entries, total, failed } = result;
  const count = failed.length === 0 ? `${entries} image${entries === 1 ? '' : 's'}` : `${entries} of ${total} image${total === 1 ? '' : 's'}`;
  const failures = failed.length ? ` · could not export ${failed.length}: ${describeFailures(failed)}` : '';
  return `Exported ${count} to ${shownPath}${failures}.`;
}
