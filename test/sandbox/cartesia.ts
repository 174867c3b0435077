// Cartesia fine-tunes, voices and datasets, mounted under `${url}/cartesia`.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Params } from './body';
import { HttpError, json, type Reply } from './http';
import { CARTESIA_KEY, iso, TIMING } from './model';

export const CARTESIA_VERSIONS = ['2026-03-01', '2025-04-16'];

export type FineTuneStatus = 'created' | 'training' | 'completed' | 'failed';

export interface StoredFineTune {
  id: string;
  name: string;
  description: string;
  language: string;
  modelId: string;
  dataset: string;
  /** Fixed status for demo data; created ones progress from `trainAt`/`doneAt`. */
  status: FineTuneStatus;
  trainAt: number | null;
  doneAt: number | null;
}

export interface StoredVoice {
  id: string;
  fineTuneId: string;
  name: string;
  description: string;
  gender: string | null;
  language: string;
  createdAt: number;
  frequency: number;
}

export interface StoredDataset {
  id: string;
  name: string;
  description: string;
  createdAt: number;
}

export class CartesiaStore {
  /** In list order (newest first). */
  fineTunes: StoredFineTune[] = [];
  voices: StoredVoice[] = [];
  datasets: StoredDataset[] = [];
  cdnUrl = '';

  clear(): void {
    this.fineTunes = [];
    this.voices = [];
    this.datasets = [];
  }

  status(ft: StoredFineTune, now: number): FineTuneStatus {
    if (ft.doneAt != null && ft.doneAt <= now) return 'completed';
    if (ft.trainAt != null && ft.trainAt <= now) return 'training';
    return ft.status;
  }

  fineTuneJson(ft: StoredFineTune, now: number): Record<string, unknown> {
    return {
      id: ft.id,
      name: ft.name,
      description: ft.description,
      language: ft.language,
      model_id: ft.modelId,
      dataset: ft.dataset,
      status: this.status(ft, now),
    };
  }

  voiceJson(voice: StoredVoice): Record<string, unknown> {
    return {
      id: voice.id,
      is_owner: true,
      is_public: false,
      name: voice.name,
      description: voice.description,
      gender: voice.gender,
      created_at: iso(voice.createdAt),
      language: voice.language,
      preview_file_url: `${this.cdnUrl}/audio/${voice.id}.wav`,
    };
  }

  /** Voices are derived lazily for fine-tunes created through the API once they complete. */
  voicesOf(ft: StoredFineTune, now: number): StoredVoice[] {
    if (this.status(ft, now) !== 'completed') return [];
    const stored = this.voices.filter((v) => v.fineTuneId === ft.id);
    if (stored.length > 0 || ft.doneAt == null) return stored;
    const voice: StoredVoice = {
      id: `${ft.id}-voice-1`, fineTuneId: ft.id, name: ft.name, description: `Trained from ${ft.dataset}`,
      gender: null, language: ft.language, createdAt: ft.doneAt, frequency: 330,
    };
    this.voices.push(voice);
    return [voice];
  }

  setSpeed(oldSpeed: number, newSpeed: number, now: number): void {
    const ratio = oldSpeed / newSpeed;
    for (const ft of this.fineTunes) {
      if (ft.trainAt != null && ft.trainAt > now) ft.trainAt = now + (ft.trainAt - now) * ratio;
      if (ft.doneAt != null && ft.doneAt > now) ft.doneAt = now + (ft.doneAt - now) * ratio;
    }
  }
}

export interface CartesiaRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Params;
  now: number;
  speed: number;
  store: CartesiaStore;
}

export function cartesiaError(status: number, errorCode: string | null, title: string, message: string): HttpError {
  return new HttpError(status, { error_code: errorCode, title, message, request_id: randomUUID() });
}

/** Stripe-style cursor paging over a list in its own order. */
function cursorPage<T extends { id: string }>(items: T[], query: URLSearchParams): { data: T[]; has_more: boolean } {
  const limitText = query.get('limit');
  const limit = limitText == null || limitText === '' ? 10 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw cartesiaError(400, 'invalid_request', 'Invalid request', 'limit must be an integer between 1 and 100');
  }
  const after = query.get('starting_after');
  const before = query.get('ending_before');
  if (after) {
    const index = items.findIndex((item) => item.id === after);
    if (index < 0) return { data: [], has_more: false };
    const data = items.slice(index + 1, index + 1 + limit);
    return { data, has_more: index + 1 + limit < items.length };
  }
  if (before) {
    const index = items.findIndex((item) => item.id === before);
    if (index < 0) return { data: [], has_more: false };
    const start = Math.max(0, index - limit);
    return { data: items.slice(start, index), has_more: start > 0 };
  }
  return { data: items.slice(0, limit), has_more: items.length > limit };
}

/** Checks version then key, like Cartesia's gateway. */
export function checkCartesiaHeaders(headers: IncomingHttpHeaders): void {
  const version = headers['cartesia-version'];
  if (!version) {
    throw cartesiaError(400, 'missing_version', 'Missing Cartesia-Version', 'The Cartesia-Version header is required. Use 2026-03-01.');
  }
  if (!CARTESIA_VERSIONS.includes(String(version))) {
    throw cartesiaError(404, 'version_not_found', 'Not Found', 'API version not found: No API schema exists for the requested Cartesia-Version.');
  }
  const auth = headers.authorization;
  const key = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : headers['x-api-key'];
  if (key !== CARTESIA_KEY) throw cartesiaError(401, 'unauthorized', 'Unauthorized', 'Invalid API key');
}

function findFineTune(req: CartesiaRequest, id: string): StoredFineTune {
  const ft = req.store.fineTunes.find((f) => f.id === id);
  if (!ft) throw cartesiaError(404, 'not_found', 'Not Found', `Fine-tune ${id} not found`);
  return ft;
}

function createFineTune(req: CartesiaRequest): Reply {
  const missing = ['name', 'description', 'language', 'model_id', 'dataset'].filter((f) => typeof req.body[f] !== 'string' || req.body[f] === '');
  if (missing.length > 0) throw cartesiaError(400, 'invalid_request', 'Invalid request', `Missing required fields: ${missing.join(', ')}`);
  const trainAt = req.now + TIMING.tunePendingMs / req.speed;
  const ft: StoredFineTune = {
    id: `ft_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
    name: String(req.body.name),
    description: String(req.body.description),
    language: String(req.body.language),
    modelId: String(req.body.model_id),
    dataset: String(req.body.dataset),
    status: 'created',
    trainAt,
    doneAt: trainAt + TIMING.tuneTrainingMs / req.speed,
  };
  req.store.fineTunes.unshift(ft);
  return json(200, req.store.fineTuneJson(ft, req.now));
}

export function handleCartesia(req: CartesiaRequest): Reply {
  const { store, now } = req;
  const path = req.path.replace(/\/+$/, '');
  let m: RegExpExecArray | null;
  if (path === '/fine-tunes') {
    if (req.method === 'GET') {
      const page = cursorPage(store.fineTunes, req.query);
      return json(200, { data: page.data.map((ft) => store.fineTuneJson(ft, now)), has_more: page.has_more });
    }
    if (req.method === 'POST') return createFineTune(req);
  } else if ((m = /^\/fine-tunes\/([^/]+)$/.exec(path))) {
    const ft = findFineTune(req, decodeURIComponent(m[1]));
    if (req.method === 'GET') return json(200, store.fineTuneJson(ft, now));
    if (req.method === 'DELETE') {
      store.fineTunes = store.fineTunes.filter((f) => f !== ft);
      store.voices = store.voices.filter((v) => v.fineTuneId !== ft.id);
      return { status: 204 };
    }
  } else if ((m = /^\/fine-tunes\/([^/]+)\/voices$/.exec(path))) {
    const ft = findFineTune(req, decodeURIComponent(m[1]));
    if (req.method === 'GET') {
      const page = cursorPage(store.voicesOf(ft, now), req.query);
      return json(200, { data: page.data.map((v) => store.voiceJson(v)), has_more: page.has_more });
    }
  } else if (path === '/datasets') {
    if (req.method === 'GET') {
      const page = cursorPage(store.datasets, req.query);
      const data = page.data.map((d) => ({ id: d.id, name: d.name, description: d.description, created_at: iso(d.createdAt) }));
      return json(200, { data, has_more: page.has_more });
    }
  } else if ((m = /^\/datasets\/([^/]+)$/.exec(path))) {
    const id = decodeURIComponent(m[1]);
    const d = store.datasets.find((x) => x.id === id);
    if (!d) throw cartesiaError(404, 'not_found', 'Not Found', `Dataset ${id} not found`);
    if (req.method === 'GET') return json(200, { id: d.id, name: d.name, description: d.description, created_at: iso(d.createdAt) });
  } else {
    throw cartesiaError(404, 'not_found', 'Not Found', `No route for ${req.method} ${path}`);
  }
  throw cartesiaError(405, 'method_not_allowed', 'Method Not Allowed', `${req.method} is not allowed on ${path}`);
}
