// Astria routes: tunes, prompts, likes, packs. Every handler returns a Reply or throws HttpError.
import type { Params } from './body';
import { HttpError, json, type Reply } from './http';
import { defaultPromptParams, type Scope, type Store, type StoredPack, type StoredPrompt, type StoredTune } from './model';
import { applyCharacteristics, nested, promptFiles, promptParams, str, tuneInput, tuneUpdate, type TuneInput } from './validate';

export interface AstriaRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Params;
  scope: Scope;
  now: number;
  store: Store;
}

type Handler = (req: AstriaRequest, ids: number[]) => Reply;

const TUNE_OFFSET_CAP = 200;
const PROMPT_OFFSET_CAP = 10_000;

function notFound(what = 'Record'): never {
  throw new HttpError(404, { error: `${what} not found` });
}

/** The documented profile's page size: `limit` is not a documented parameter, so it is ignored. */
const DOCUMENTED_PAGE_SIZE = 20;

/**
 * Newest first, `before_id` keyset, `limit` (default 20, clamped to 1..120), legacy `offset`.
 * The documented profile knows only `offset`, 20 per page; with `ignorePaging` every request gets the first 20.
 */
function page<T extends { id: number }>(items: T[], query: URLSearchParams, offsetCap: number, store: Store): T[] {
  const sorted = [...items].sort((a, b) => b.id - a.id);
  if (store.ignorePaging) return sorted.slice(0, DOCUMENTED_PAGE_SIZE);
  const documented = store.documented;
  const beforeId = documented ? Number.NaN : Number(query.get('before_id'));
  const limitRaw = documented ? DOCUMENTED_PAGE_SIZE : Number.parseInt(query.get('limit') ?? '', 10);
  const limit = Number.isFinite(limitRaw) && limitRaw > 0 ? Math.min(limitRaw, 120) : 20;
  const offsetRaw = Number.parseInt(query.get('offset') ?? '', 10);
  const offset = Number.isFinite(offsetRaw) && offsetRaw > 0 ? offsetRaw : 0;
  if (offset > offsetCap) throw new HttpError(400, { error: 'offset is too large, use before_id' });
  const after = !documented && query.has('before_id') && Number.isFinite(beforeId) ? sorted.filter((t) => t.id < beforeId) : sorted;
  return after.slice(offset, offset + limit);
}

function ownTune(req: AstriaRequest, id: number): StoredTune {
  const tune = req.store.findTune(id, req.scope);
  if (!tune) notFound('Tune');
  return tune;
}

function writableTune(req: AstriaRequest, id: number): StoredTune {
  const tune = ownTune(req, id);
  if (tune.isBase) throw new HttpError(403, { error: 'Public base tunes cannot be changed' });
  return tune;
}

function creationWorkspace(req: AstriaRequest): string | null {
  return req.scope && req.scope !== 'all' ? req.scope : null;
}

// ---- tunes ------------------------------------------------------------------------------------

function listTunes(req: AstriaRequest): Reply {
  const { store, query, scope, now } = req;
  const documented = store.documented;
  // Documented: no filters at all, and only the tunes the user owns (no public base tunes).
  const title = documented ? undefined : query.get('title')?.toLowerCase();
  const exact = (field: string, value: string | null | undefined) => documented || !query.has(field) || query.get(field) === (value ?? '');
  const tunes = [...store.tunes.values()].filter(
    (t) =>
      (documented ? !t.isBase && store.visible(t, scope) : store.visible(t, scope, t.isBase)) &&
      (!title || t.title.toLowerCase().includes(title)) &&
      exact('branch', t.branch) &&
      exact('model_type', t.modelType) &&
      exact('name', t.name),
  );
  return json(200, page(tunes, query, TUNE_OFFSET_CAP, store).map((t) => store.tuneJson(t, now)));
}

/**
 * Creates a tune (and its prompts_attributes); an existing title in the same scope is returned as is
 * (idempotency is an account setting: the documented profile has it off, so a repeat creates another).
 */
function createTune(req: AstriaRequest, input: TuneInput, pack?: StoredPack): Reply {
  const { store, now } = req;
  const workspaceId = creationWorkspace(req);
  const existing = store.documented
    ? undefined
    : [...store.tunes.values()].find((t) => !t.isBase && t.workspaceId === workspaceId && t.title === input.title);
  if (existing) return json(200, store.tuneJson(existing, now));

  const placeholder: StoredTune = {
    id: 0,
    title: input.title,
    name: input.name,
    workspaceId,
    isBase: false,
    token: input.token,
    baseTuneId: pack?.baseTuneId ?? input.baseTuneId,
    steps: input.steps,
    faceCrop: input.faceCrop,
    trainingFaceCorrect: input.trainingFaceCorrect,
    branch: input.branch,
    modelType: pack?.modelType ?? input.modelType,
    callback: input.callback,
    autoExtend: input.autoExtend,
    preset: input.preset,
    characteristics: input.characteristics,
    createdAt: now,
    updatedAt: now,
    startAt: null,
    trainedAt: null,
    userError: null,
    imageUrlCount: input.imageUrls.length,
    uploadIds: input.uploadIds,
    costMc: input.branch === 'fast' ? 0 : input.modelType === 'lora' ? 2000 : 1500,
  };
  // Validate every prompt before creating anything.
  const promptInputs = input.prompts.map((raw) => ({ raw, params: promptParams(raw, placeholder, store, defaultPromptParams('')) }));
  const packPrompts = pack?.promptsPerClass[input.name] ?? [];

  const tune: StoredTune = { ...placeholder, id: store.nextTuneId++ };
  store.schedule(tune, now);
  store.tunes.set(tune.id, tune);
  for (const id of input.uploadIds) {
    const upload = store.uploads.get(id);
    if (upload) upload.tuneId = tune.id;
  }
  const addPrompt = (params: StoredPrompt['params'], packId: number | null) => {
    params.text = applyCharacteristics(params.text, tune.characteristics);
    store.addPrompt({
      tuneId: tune.id, workspaceId, params, createdAt: now, userError: null, liked: false, likes: 0,
      inputUploadId: null, maskUploadId: null, packId,
    });
  };
  for (const { params } of promptInputs) addPrompt(params, null);
  for (const p of packPrompts) addPrompt({ ...defaultPromptParams(p.text), num_images: p.numImages }, pack?.id ?? null);
  return json(201, store.tuneJson(tune, now));
}

function postTune(req: AstriaRequest): Reply {
  return createTune(req, tuneInput(nested(req.body, 'tune'), req.store));
}

function patchTune(req: AstriaRequest, [id]: number[]): Reply {
  const tune = writableTune(req, id);
  Object.assign(tune, tuneUpdate(nested(req.body, 'tune')), { updatedAt: req.now });
  return json(200, req.store.tuneJson(tune, req.now));
}

function deleteTune(req: AstriaRequest, [id]: number[]): Reply {
  writableTune(req, id);
  req.store.deleteTune(id);
  return json(200, { message: 'Tune successfully deleted' });
}

// ---- prompts ----------------------------------------------------------------------------------

function visiblePrompts(req: AstriaRequest): StoredPrompt[] {
  return [...req.store.prompts.values()].filter((p) => req.store.visible(p, req.scope));
}

function listTunePrompts(req: AstriaRequest, [tuneId]: number[]): Reply {
  ownTune(req, tuneId);
  const prompts = visiblePrompts(req).filter((p) => p.tuneId === tuneId);
  return json(200, page(prompts, req.query, PROMPT_OFFSET_CAP, req.store).map((p) => req.store.promptJson(p, req.now)));
}

function listPrompts(req: AstriaRequest): Reply {
  const { query } = req;
  const text = query.get('text')?.toLowerCase();
  const tuneId = Number(query.get('tune_id') ?? query.get('tune'));
  const packId = Number(query.get('pack_id') ?? query.get('base_pack_id'));
  const prompts = visiblePrompts(req).filter(
    (p) =>
      (!text || p.params.text.toLowerCase().includes(text)) &&
      (!tuneId || p.tuneId === tuneId) &&
      (!packId || p.packId === packId),
  );
  return json(200, page(prompts, query, PROMPT_OFFSET_CAP, req.store).map((p) => req.store.promptJson(p, req.now)));
}

function checkGeneratable(tune: StoredTune, now: number, store: Store): void {
  if (tune.userError) throw new HttpError(422, { error: 'This tune failed training and cannot generate images' });
  const expires = store.expiresAt(tune, now);
  if (expires != null && expires <= now) throw new HttpError(422, { error: 'This tune has expired; extend it to generate images' });
}

function createPrompt(req: AstriaRequest, tune: StoredTune, raw: Params, base: StoredPrompt['params'], files = promptFiles(raw)): Reply {
  const { store, now } = req;
  checkGeneratable(tune, now, store);
  const params = promptParams(raw, tune, store, base);
  params.text = applyCharacteristics(params.text, tune.characteristics);
  const explicitWorkspace = str(raw, 'workspace_id');
  const prompt = store.addPrompt({
    tuneId: tune.id,
    workspaceId: explicitWorkspace ?? creationWorkspace(req) ?? (req.scope === 'all' ? tune.workspaceId : null),
    params,
    createdAt: now,
    userError: null,
    liked: false,
    likes: 0,
    inputUploadId: files.input,
    maskUploadId: files.mask,
    packId: null,
  });
  for (const id of [files.input, files.mask]) {
    const upload = id == null ? undefined : store.uploads.get(id);
    if (upload) upload.promptId = prompt.id;
  }
  return json(201, store.promptJson(prompt, now));
}

function postPrompt(req: AstriaRequest, [tuneId]: number[]): Reply {
  const tune = ownTune(req, tuneId);
  return createPrompt(req, tune, nested(req.body, 'prompt'), defaultPromptParams(''));
}

function findPrompt(req: AstriaRequest, id: number, tuneId?: number): StoredPrompt {
  const prompt = req.store.findPrompt(id, req.scope);
  if (!prompt || (tuneId !== undefined && prompt.tuneId !== tuneId)) notFound('Prompt');
  return prompt;
}

function getPrompt(req: AstriaRequest, [tuneId, id]: number[]): Reply {
  return json(200, req.store.promptJson(findPrompt(req, id, tuneId), req.now));
}

function deletePrompt(req: AstriaRequest, ids: number[]): Reply {
  const prompt = ids.length === 2 ? findPrompt(req, ids[1], ids[0]) : findPrompt(req, ids[0]);
  req.store.prompts.delete(prompt.id);
  return json(200, { message: 'Prompt successfully deleted' });
}

function duplicatePrompt(req: AstriaRequest, [id]: number[]): Reply {
  const source = findPrompt(req, id);
  const overrides = nested(req.body, 'prompt');
  const tuneId = Number(overrides.tune_id ?? source.tuneId);
  const tune = ownTune(req, tuneId);
  const files = promptFiles(overrides);
  return createPrompt(req, tune, overrides, { ...source.params, seed: null }, {
    input: files.input ?? source.inputUploadId,
    mask: files.mask ?? source.maskUploadId,
  });
}

function like(req: AstriaRequest, [id]: number[]): Reply {
  const prompt = findPrompt(req, id);
  if (!prompt.liked) {
    prompt.liked = true;
    prompt.likes++;
  }
  return { status: 201 };
}

function unlike(req: AstriaRequest, [id]: number[]): Reply {
  const prompt = findPrompt(req, id);
  if (prompt.liked) {
    prompt.liked = false;
    prompt.likes = Math.max(0, prompt.likes - 1);
  }
  return { status: 200 };
}

// ---- packs ------------------------------------------------------------------------------------

function findPack(req: AstriaRequest, id: number): StoredPack {
  return req.store.packs.find((p) => p.id === id) ?? notFound('Pack');
}

function postPackTune(req: AstriaRequest, [packId]: number[]): Reply {
  const pack = findPack(req, packId);
  const raw = nested(req.body, 'tune');
  const input = tuneInput({ base_tune_id: pack.baseTuneId ?? undefined, model_type: pack.modelType ?? undefined, ...raw }, req.store);
  const classes = Object.keys(pack.promptsPerClass);
  if (!classes.includes(input.name)) throw new HttpError(422, { name: [`must be one of ${classes.join(', ')} for this pack`] });
  return createTune(req, input, pack);
}

// ---- routing ----------------------------------------------------------------------------------

/** Documented profile: a tune's 422 is one `{"error": "…"}` message, never field-keyed. */
function singleMessage422(handler: Handler): Handler {
  return (req, ids) => {
    try {
      return handler(req, ids);
    } catch (error) {
      if (!req.store.documented || !(error instanceof HttpError) || error.status !== 422) throw error;
      const body = error.body as Record<string, unknown>;
      if (typeof body.error === 'string') throw error;
      const messages = Object.entries(body).flatMap(([field, list]) => (Array.isArray(list) ? list : [list]).map((m) => `${field} ${String(m)}`));
      throw new HttpError(422, { error: messages.join('; ') });
    }
  };
}

const ROUTES: [string, RegExp, Handler][] = [
  ['GET', /^\/tunes$/, listTunes],
  ['POST', /^\/tunes$/, singleMessage422(postTune)],
  ['GET', /^\/tunes\/(\d+)$/, (req, [id]) => json(200, req.store.tuneJson(ownTune(req, id), req.now))],
  ['PATCH', /^\/tunes\/(\d+)$/, singleMessage422(patchTune)],
  ['PUT', /^\/tunes\/(\d+)$/, singleMessage422(patchTune)],
  ['DELETE', /^\/tunes\/(\d+)$/, deleteTune],
  ['GET', /^\/tunes\/(\d+)\/prompts$/, listTunePrompts],
  ['POST', /^\/tunes\/(\d+)\/prompts$/, postPrompt],
  ['GET', /^\/tunes\/(\d+)\/prompts\/(\d+)$/, getPrompt],
  ['DELETE', /^\/tunes\/(\d+)\/prompts\/(\d+)$/, deletePrompt],
  ['GET', /^\/prompts$/, listPrompts],
  ['GET', /^\/prompts\/(\d+)$/, (req, [id]) => json(200, req.store.promptJson(findPrompt(req, id), req.now))],
  ['DELETE', /^\/prompts\/(\d+)$/, deletePrompt],
  ['POST', /^\/prompts\/(\d+)\/duplicate$/, duplicatePrompt],
  ['POST', /^\/prompts\/(\d+)\/likes?$/, like],
  ['DELETE', /^\/prompts\/(\d+)\/likes?$/, unlike],
  ['GET', /^\/packs$/, (req) => json(200, req.store.packs.filter((p) => p.own).map((p) => req.store.packJson(p)))],
  ['GET', /^\/gallery\/packs$/, (req) => json(200, req.store.packs.map((p) => req.store.packJson(p)))],
  ['GET', /^\/p\/(\d+)$/, (req, [id]) => json(200, req.store.packDetailJson(findPack(req, id)))],
  ['GET', /^\/packs\/(\d+)$/, (req, [id]) => json(200, req.store.packDetailJson(findPack(req, id)))],
  ['POST', /^\/p\/(\d+)\/tunes$/, singleMessage422(postPackTune)],
];

export function handleAstria(req: AstriaRequest): Reply {
  const path = req.path.replace(/\.json$/, '').replace(/\/+$/, '') || '/';
  let pathMatched = false;
  for (const [method, pattern, handler] of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (method !== req.method) continue;
    return handler(req, match.slice(1).map(Number));
  }
  if (pathMatched) throw new HttpError(405, { error: `${req.method} is not allowed on ${path}` });
  throw new HttpError(404, { error: 'Not found' });
}
