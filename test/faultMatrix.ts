// The fault matrix's rows, columns and table: shared by the integration suite that fills it
// (test/integration/faultMatrix.test.ts), `npm run fault-table` that writes it into README.md, and the
// integration runner that fails when README.md and the last run disagree.

export const FAULTS = [
  { id: '401', label: '401 key refused' },
  { id: '403', label: '403 forbidden' },
  { id: '404', label: '404 not found' },
  { id: '422-error', label: '422 `{"error": …}`' },
  { id: '422-fields', label: '422 field-keyed' },
  { id: '429-retry-after', label: '429 + Retry-After 120 s' },
  { id: '429', label: '429, no Retry-After' },
  { id: '500', label: '500' },
  { id: '502', label: '502' },
  { id: '503', label: '503' },
  { id: '504', label: '504 (work done)' },
  { id: 'hang', label: 'hang (timeout)' },
  { id: 'reset', label: 'connection reset' },
  { id: 'malformed', label: 'malformed JSON' },
  { id: 'malformed-after-work', label: '200 garbage after the work' },
  { id: 'late', label: '504, done 1.5 s later' },
  { id: 'truncated', label: 'truncated body (image, JSON)' },
  { id: 'slow', label: 'slow (1.2 s)' },
] as const;

export const FLOWS = [
  { id: 'setKey', label: 'Set API key' },
  { id: 'tunesPage', label: 'Tunes tree page' },
  { id: 'loadMore', label: 'Load more' },
  { id: 'prompts', label: 'Expand prompts' },
  { id: 'cartesia', label: 'Cartesia fine-tunes' },
  { id: 'voices', label: 'Cartesia voices' },
  { id: 'voicePreview', label: 'Voice preview (WAV)' },
  { id: 'poller', label: 'Status poller' },
  { id: 'galleryPage', label: 'Gallery page' },
  { id: 'galleryImage', label: 'Gallery image' },
  { id: 'lightbox', label: 'Lightbox' },
  { id: 'saveImage', label: 'Save image' },
  { id: 'bulkSave', label: 'Bulk save' },
  { id: 'zipExport', label: 'ZIP export' },
  { id: 'promptCreate', label: 'Prompt create' },
  { id: 'promptCreateFiles', label: 'Prompt create with files' },
  { id: 'tuneCreateFiles', label: 'Tune create with files' },
  { id: 'createFromPack', label: 'Create from pack' },
  { id: 'generateAll', label: 'Prompt file Generate All' },
  { id: 'like', label: 'Like' },
  { id: 'rename', label: 'Rename' },
  { id: 'delete', label: 'Delete' },
] as const;

export type FaultId = (typeof FAULTS)[number]['id'];
export type FlowId = (typeof FLOWS)[number]['id'];
export type Where = 'row' | 'inline' | 'notification' | 'status bar' | 'none';

export interface CellResult {
  flow: FlowId;
  fault: FaultId;
  status: 'pass' | 'fail' | 'n/a';
  /** The message class (test/messageClasses.ts) the cell expected, and found alone. */
  expected?: string;
  /** Where the user saw the message ('none': the flow succeeded anyway). */
  where?: Where;
  message?: string;
  /** Why the cell cannot apply. */
  reason?: string;
  /** The assertion that failed. */
  error?: string;
}

export interface MatrixFile {
  /** False when only part of the suite ran (a --grep run). */
  complete: boolean;
  cells: CellResult[];
}

/** Written by the suite, relative to the repository root. */
export const faultMatrixFile = 'test-results/fault-matrix.json';
export const TABLE_START = '<!-- fault-matrix:start -->';
export const TABLE_END = '<!-- fault-matrix:end -->';

const WHERE_MARK: Record<Where, string> = { row: 'row', inline: 'inline', notification: 'notif.', 'status bar': 'status bar', none: 'ok' };

/** The Markdown between the README markers: one row per flow, one column per fault, then the n/a reasons. */
export function renderFaultTable(matrix: MatrixFile): string {
  const cell = (flow: string, fault: string) => matrix.cells.find((c) => c.flow === flow && c.fault === fault);
  const reasons: string[] = [];
  const reasonIndex = (reason: string): number => {
    let i = reasons.indexOf(reason);
    if (i < 0) i = reasons.push(reason) - 1;
    return i + 1;
  };
  const lines = [
    `| flow | ${FAULTS.map((f) => f.label).join(' | ')} |`,
    `|---|${FAULTS.map(() => ':-:').join('|')}|`,
  ];
  for (const flow of FLOWS) {
    const marks = FAULTS.map((fault) => {
      const c = cell(flow.id, fault.id);
      if (!c) return '—';
      if (c.status === 'n/a') return `n/a<sup>${reasonIndex(c.reason ?? '')}</sup>`;
      const where = c.where ? WHERE_MARK[c.where] : '';
      return c.status === 'pass' ? `✅ ${where}` : `❌ ${where}`;
    });
    lines.push(`| ${flow.label} | ${marks.join(' | ')} |`);
  }
  const notes = reasons.map((r, i) => `${i + 1}. n/a: ${r}`);
  const examples = exampleMessages(matrix);
  return [
    ...lines,
    '',
    '✅ passed: the user was told in that place (row = a tree row with Retry, inline = in the panel, notif. = a notification, status bar = still shown as in progress and checked again; ok = it simply worked), in a message of exactly the class the cell expects and of no other (`test/messageClasses.ts`: key refused, access refused, not found, already deleted, link refused, the server’s own 422 words, rate limited with or without a time, server error, timeout, connection failed, download cut short, unreadable answer, outcome unknown, done after all), Retry worked once the fault was lifted, nothing typed was lost and nothing was created twice. ❌ failed. — not run.',
    '',
    'The 504, hang, connection reset, truncated body and “200 garbage after the work” faults answer after the server did the work; “504, done 1.5 s later” does it after answering. For every write (create, rename, like, delete, Generate All) the sandbox’s request log shows the write sent exactly once: the user is told it was done after all (checked on the server) or that its outcome is unknown, and the view shows what the server has. The write rows’ 500, connection reset, “200 garbage after the work” and “504, done 1.5 s later” cells run again on the documented sandbox profile (not in the table): the same classes, except that a like’s outcome stays unknown there, as that profile does not report likes.',
    '',
    ...notes,
    '',
    'What the user read, one example per fault:',
    '',
    ...examples,
  ].join('\n');
}

function exampleMessages(matrix: MatrixFile): string[] {
  const out: string[] = [];
  for (const fault of FAULTS) {
    const c = matrix.cells.find((x) => x.fault === fault.id && x.status === 'pass' && x.message && x.where !== 'status bar');
    const kind = c?.expected ? `, class \`${c.expected}\`` : '';
    if (c?.message) out.push(`- ${fault.label} (${FLOWS.find((f) => f.id === c.flow)?.label}${kind}): “${escapeMarkdown(c.message.slice(0, 240))}”`);
  }
  return out;
}

function escapeMarkdown(text: string): string {
  // Ports and ids change from run to run; the table must not.
  const stable = text.replace(/(127\.0\.0\.1|localhost):\d+/g, '$1:PORT').replace(/\/(tunes|prompts)\/\d+/g, '/$1/ID');
  return stable.replace(/[\\`*_{}[\]()<>#+!|]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
}

/** README.md with the table between the markers replaced; throws when the markers are missing. */
export function replaceFaultTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${TABLE_START} … ${TABLE_END} markers`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}
