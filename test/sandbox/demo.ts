// Deterministic demo data: 45 tunes in the personal scope (40 own + 5 public base tunes), 3 more in
// workspace "ws_demo", prompts in every state, one pack of ours and two gallery packs, and 25 Cartesia
// fine-tunes. Only the clock is taken from `now`; everything else comes from a seeded PRNG.
// `hostile` (the tests' sandboxes): a few titles, prompt texts and voice names are markup and script
// (`<img src=x onerror=…>`); without it (`npm start`, `npm run sandbox`) the same rows have ordinary
// words, so a new user is not greeted by security tests. Counts, ids and order are the same either way.
import type { CartesiaStore, FineTuneStatus } from './cartesia';
import {
  BASE_TUNES, DAY_MS, defaultPromptParams, type PromptParams, type Store, type StoredTune,
} from './model';

/** mulberry32: small, seedable, good enough for demo data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIN = 60_000;
const HOUR = 60 * MIN;

type Model = 'flux' | 'faceid' | 'sdxl' | 'sd15' | 'gemini' | 'fast';
type Kind = 'expired' | 'autoExtended' | 'trained' | 'failed' | 'training' | 'trainingLong' | 'pending';

interface TuneSpec {
  title: string;
  name: string;
  model: Model;
  kind: Kind;
  workspace?: string;
  characteristics?: Record<string, string>;
  prompts?: number;
}

/** Which of two strings a demo row gets: the hostile one only in the tests' sandboxes. */
type Pick = (hostileText: string, ordinary: string) => string;

/** In creation order (ids ascend); the list shows them newest first. */
const tuneSpecs = (hostile: Pick): TuneSpec[] => [
  { title: 'Ada Lovelace — portraits', name: 'woman', model: 'flux', kind: 'expired', prompts: 3 },
  { title: 'Grandpa Joe (1950s scans)', name: 'man', model: 'sd15', kind: 'expired', prompts: 2 },
  { title: 'Rex the dog 🐶', name: 'dog', model: 'sdxl', kind: 'expired', prompts: 2 },
  { title: "Tom & Jerry's studio shots", name: 'cat', model: 'sd15', kind: 'expired' },
  { title: 'Brand style — "Noir"', name: 'style', model: 'sdxl', kind: 'autoExtended', prompts: 2 },
  { title: 'Zoë Åkesson', name: 'woman', model: 'flux', kind: 'expired', prompts: 1 },
  { title: 'Team mascot (workspace)', name: 'dog', model: 'flux', kind: 'trained', workspace: 'ws_demo', prompts: 3 },
  { title: 'Priya Sharma — headshots', name: 'woman', model: 'flux', kind: 'trained', prompts: 35, characteristics: { eye_color: 'hazel eyes' } },
  { title: hostile('<img src=x onerror=alert(1)>', 'Noah Fischer — street style'), name: 'man', model: 'flux', kind: 'trained', prompts: 2 },
  { title: 'Marco Rossi', name: 'man', model: 'faceid', kind: 'trained', prompts: 2 },
  { title: 'Brown dress', name: 'dress', model: 'gemini', kind: 'trained', characteristics: { short_description: 'satin brown dress' }, prompts: 2 },
  { title: hostile('"><svg onload=alert(1)>', 'Isabella Costa — editorial'), name: 'woman', model: 'sdxl', kind: 'trained', prompts: 1 },
  { title: 'Office cat <1>', name: 'cat', model: 'sd15', kind: 'trained', prompts: 2 },
  { title: 'María José — LinkedIn', name: 'woman', model: 'flux', kind: 'trained', prompts: 3 },
  { title: 'Sneakers {{color}} catalog', name: 'shoes', model: 'gemini', kind: 'trained', prompts: 1 },
  { title: '李小龙 style study', name: 'style', model: 'sdxl', kind: 'trained' },
  { title: 'Workspace product shoot', name: 'shirt', model: 'gemini', kind: 'trained', workspace: 'ws_demo', prompts: 2 },
  { title: 'Failed: blurry selfies', name: 'man', model: 'flux', kind: 'failed' },
  { title: "O'Connor family — couple", name: 'couple', model: 'flux', kind: 'trained', prompts: 1 },
  { title: 'Luna the cat 🐈‍⬛', name: 'cat', model: 'faceid', kind: 'trained', prompts: 2 },
  { title: 'Test & debug <lora:456:0.8>', name: 'man', model: 'fast', kind: 'trained', prompts: 1 },
  { title: 'Kenji Watanabe', name: 'man', model: 'sdxl', kind: 'trained', prompts: 1 },
  { title: 'Amara Okafor', name: 'woman', model: 'flux', kind: 'trained', prompts: 2 },
  { title: 'Vintage posters style', name: 'style', model: 'sd15', kind: 'trained', prompts: 1 },
  { title: 'Boy — school photos', name: 'boy', model: 'faceid', kind: 'trained' },
  { title: 'Girl 👧 birthday', name: 'girl', model: 'flux', kind: 'trained', prompts: 1 },
  { title: 'Leather boots', name: 'shoes', model: 'gemini', kind: 'trained' },
  { title: 'Dr. Jane "JJ" Jones', name: 'woman', model: 'sdxl', kind: 'trained', prompts: 1 },
  { title: 'Max & Moritz', name: 'boy', model: 'sd15', kind: 'trained' },
  { title: 'Sven Ølgaard', name: 'man', model: 'flux', kind: 'trained', prompts: 2 },
  { title: 'Ceramics 50% off', name: 'product', model: 'gemini', kind: 'trained' },
  { title: 'Fatima Zahra', name: 'woman', model: 'faceid', kind: 'trained', prompts: 1 },
  { title: 'Biscuit (golden retriever)', name: 'dog', model: 'flux', kind: 'trained', prompts: 1 },
  { title: hostile('Watercolor <style>', 'Watercolor style'), name: 'style', model: 'sdxl', kind: 'trained' },
  { title: 'Nguyễn Văn An', name: 'man', model: 'flux', kind: 'trained', prompts: 1 },
  { title: 'Mock-mode smoke test', name: 'woman', model: 'fast', kind: 'trained' },
  { title: 'Chloé — wedding', name: 'woman', model: 'flux', kind: 'trained', prompts: 1 },
  { title: 'Olek Nowak', name: 'man', model: 'sdxl', kind: 'trained', prompts: 1 },
  { title: 'Quick & dirty test', name: 'man', model: 'fast', kind: 'trained', prompts: 1 },
  { title: 'Hannah Schmidt', name: 'woman', model: 'flux', kind: 'trainingLong' },
  { title: 'Workspace — new hire', name: 'man', model: 'faceid', kind: 'training', workspace: 'ws_demo' },
  { title: 'Lars — second try', name: 'man', model: 'flux', kind: 'training' },
  { title: 'Emma Wilson ✨', name: 'woman', model: 'flux', kind: 'pending' },
];

const MODELS: Record<Model, { branch: string; modelType: string | null; baseTuneId: number | null; token: string; costMc: number }> = {
  flux: { branch: 'flux1', modelType: 'lora', baseTuneId: BASE_TUNES.flux, token: 'ohwx', costMc: 2000 },
  faceid: { branch: 'flux1', modelType: 'faceid', baseTuneId: BASE_TUNES.flux, token: 'ohwx', costMc: 0 },
  sdxl: { branch: 'sdxl1', modelType: 'pti', baseTuneId: BASE_TUNES.sdxl, token: 'ohwx', costMc: 1500 },
  sd15: { branch: 'sd15', modelType: null, baseTuneId: BASE_TUNES.realisticVision, token: 'sks', costMc: 1500 },
  gemini: { branch: 'flux1', modelType: 'faceid', baseTuneId: BASE_TUNES.gemini, token: 'ohwx', costMc: 0 },
  fast: { branch: 'fast', modelType: 'lora', baseTuneId: null, token: 'ohwx', costMc: 0 },
};

const promptTexts = (hostile: Pick): string[] => [
  '{lora} ohwx {name} holding "flowers" & smiling 🌸',
  '<1> portrait, {{eye_color}}, studio lighting',
  'ohwx {name} in a "vintage" suit, 35mm, f/1.8',
  '{faceid} {name} as an astronaut 🚀 — cinematic',
  'ohwx {name} wearing a tiny hat <3 & sunglasses',
  hostile('</textarea><script>alert("prompt")</script> ohwx {name}', 'ohwx {name} reading in a café, morning light'),
  'ohwx {name}, 日本の庭園, cherry blossoms 🌸',
  hostile("ohwx {name} named 'Bobby Tables'); DROP TABLE prompts;--", 'ohwx {name} at a rooftop party, string lights'),
  hostile('ohwx {name}, line art, <b>bold</b> lines & ${alert(1)}', 'ohwx {name}, line art, bold lines & pastel fills'),
  'portrait of <1> in a suit, {{eye_color}}',
  'ohwx {name} on a beach at golden hour, 50% sunset, 100% vibes',
  'ohwx {name}\nmultiline prompt\n\twith a tab',
];

const ASPECTS = ['1:1', '1:1', '16:9', '9:16', '3:2', '2:3', '4:5', '21:9'];

interface PromptSpec {
  tune: StoredTune;
  text: string;
  at: number;
  params: Partial<PromptParams>;
  workspaceId: string | null;
  state?: 'pending' | 'generating' | 'failed';
}

function baseTune(id: number, title: string, branch: string, modelType: string | null, created: string): StoredTune {
  const createdAt = Date.parse(created);
  return {
    id, title, name: null, workspaceId: null, isBase: true, token: null, baseTuneId: null, steps: null, faceCrop: null,
    trainingFaceCorrect: null, branch, modelType, callback: null, autoExtend: false, preset: null, characteristics: null,
    createdAt, updatedAt: createdAt, startAt: createdAt + MIN, trainedAt: createdAt + HOUR, userError: null,
    imageUrlCount: 0, uploadIds: [], costMc: null,
  };
}

/** The demo's strings: the hostile ones when `hostile` (the tests), ordinary words otherwise. */
function picker(hostile: boolean): Pick {
  return (hostileText, ordinary) => (hostile ? hostileText : ordinary);
}

export function seedDemo(store: Store, now: number, options: { hostile?: boolean } = {}): void {
  const TUNES = tuneSpecs(picker(options.hostile === true));
  const PROMPT_TEXTS = promptTexts(picker(options.hostile === true));
  const random = prng(20240917);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const speed = store.speed;

  for (const tune of [
    baseTune(BASE_TUNES.sdxl, 'SDXL 1.0', 'sdxl1', null, '2023-07-27T10:00:00.000Z'),
    baseTune(BASE_TUNES.realisticVision, 'Realistic Vision v5.1', 'sd15', null, '2023-08-10T10:00:00.000Z'),
    baseTune(BASE_TUNES.flux, 'Flux1.dev', 'flux1', null, '2024-08-02T10:00:00.000Z'),
    baseTune(BASE_TUNES.gemini, 'Gemini (Nano Banana)', 'flux1', null, '2025-08-26T10:00:00.000Z'),
    baseTune(BASE_TUNES.seedream, 'Seedream 4.5', 'flux1', null, '2025-12-03T10:00:00.000Z'),
  ]) {
    store.tunes.set(tune.id, tune);
  }

  const prompts: PromptSpec[] = [];
  let id = 4_100_117;
  const pastCount = TUNES.filter((t) => t.kind === 'expired' || t.kind === 'autoExtended').length;
  TUNES.forEach((spec, index) => {
    id += 1 + Math.floor(random() * 40);
    const model = MODELS[spec.model];
    const recent = TUNES.length - pastCount;
    let createdAt: number;
    if (spec.kind === 'expired' || spec.kind === 'autoExtended') createdAt = now - (75 - index * 6) * DAY_MS;
    else if (spec.kind === 'pending') createdAt = now - 2_000;
    else if (spec.kind === 'training') createdAt = now - 3 * MIN;
    else if (spec.kind === 'trainingLong') createdAt = now - 20 * MIN;
    else createdAt = now - (28 - ((index - pastCount) * 27) / recent) * DAY_MS - Math.floor(random() * HOUR);
    const tune: StoredTune = {
      id,
      title: spec.title,
      name: spec.name,
      workspaceId: spec.workspace ?? null,
      isBase: false,
      token: model.token,
      baseTuneId: model.baseTuneId,
      steps: spec.model === 'sd15' ? 1200 : null,
      faceCrop: spec.model === 'sd15' ? true : null,
      trainingFaceCorrect: false,
      branch: model.branch,
      modelType: model.modelType,
      callback: null,
      autoExtend: spec.kind === 'autoExtended',
      preset: spec.model === 'flux' ? 'flux-lora-portrait' : null,
      characteristics: spec.characteristics ?? null,
      createdAt,
      updatedAt: createdAt,
      startAt: createdAt + 40_000,
      trainedAt: createdAt + 25 * MIN,
      userError: null,
      imageUrlCount: 4 + Math.floor(random() * 9),
      uploadIds: [],
      costMc: model.costMc,
    };
    if (spec.kind === 'pending') {
      tune.startAt = now + 30_000 / speed;
      tune.trainedAt = tune.startAt + 120_000 / speed;
    } else if (spec.kind === 'training') {
      tune.startAt = now - 150_000;
      tune.trainedAt = now + 45_000 / speed;
    } else if (spec.kind === 'trainingLong') {
      tune.startAt = now - 19 * MIN;
      tune.trainedAt = now + (40 * MIN) / speed;
    } else if (spec.kind === 'failed') {
      tune.trainedAt = null;
      tune.userError = 'Training failed: fewer than 4 usable faces were found in the training images';
    }
    store.tunes.set(tune.id, tune);

    const fill = (template: string) =>
      template
        .replace('{lora}', `<lora:${tune.id}:0.8>`)
        .replace('{faceid}', `<faceid:${tune.id}:1.0>`)
        .replaceAll('{name}', tune.name ?? 'person');
    for (let n = 0; n < (spec.prompts ?? 0); n++) {
      const at = (tune.trainedAt ?? now) + (n + 1) * (spec.prompts === 35 ? 7 * MIN : 3 * HOUR) + Math.floor(random() * MIN);
      const text = spec.model === 'gemini'
        ? `product shot of {{short_description}} on marble, soft light <faceid:${tune.id}:1.0>`
        : fill(PROMPT_TEXTS[(index + n) % PROMPT_TEXTS.length]);
      prompts.push({
        tune, text, at: Math.min(at, now - 10 * MIN), workspaceId: tune.workspaceId,
        params: {
          num_images: 1 + Math.floor(random() * 8),
          aspect_ratio: pick(ASPECTS),
          cfg_scale: spec.model === 'flux' ? 3 : pick([null, 7, 5.5]),
          steps: pick([null, 30, 28]),
          super_resolution: n % 3 === 0,
          inpaint_faces: n % 6 === 0,
          scheduler: spec.model === 'sd15' ? 'dpm++2m_karras' : null,
          style: n % 7 === 3 ? 'Cinematic' : null,
          negative_prompt: n % 4 === 1 ? 'blurry, lowres, "extra fingers"' : null,
        },
      });
    }
  });

  const byTitle = (title: string) => [...store.tunes.values()].find((t) => t.title === title) as StoredTune;
  const priya = byTitle('Priya Sharma — headshots');
  const marco = byTitle('Marco Rossi');
  const flux = store.tunes.get(BASE_TUNES.flux) as StoredTune;
  const gemini = store.tunes.get(BASE_TUNES.gemini) as StoredTune;
  const seedream = store.tunes.get(BASE_TUNES.seedream) as StoredTune;
  const extra: PromptSpec[] = [
    { tune: flux, text: `<lora:${priya.id}:0.8> ohwx woman holding "flowers" & a 🌻`, at: now - 5 * DAY_MS, workspaceId: null, params: { num_images: 4, cfg_scale: 3 } },
    { tune: flux, text: `<lora:${priya.id}:0.6> <lora:456:0.8> ohwx woman, oil painting`, at: now - 4 * DAY_MS, workspaceId: null, params: { num_images: 2, aspect_ratio: '2:3' } },
    { tune: flux, text: `<faceid:${marco.id}:1.0> man, black & white, film grain`, at: now - 3 * DAY_MS, workspaceId: null, params: { num_images: 1, film_grain: true } },
    {
      tune: gemini,
      text: `180cm extremely thin and tall model <faceid:${priya.id}:1.0> woman \n Sleek, low, slicked-back bun hairdo\n front pose \n look book plain white background #fff`,
      at: now - 2 * DAY_MS, workspaceId: null, params: { num_images: 4, aspect_ratio: '3:4', resolution: '2K' },
    },
    { tune: gemini, text: 'flat lay of a leather wallet & keys, top view', at: now - 1 * DAY_MS, workspaceId: null, params: { num_images: 2, aspect_ratio: '16:9', resolution: '1K' } },
    { tune: seedream, text: 'professional product photo of wireless headphones on marble surface', at: now - 20 * HOUR, workspaceId: null, params: { num_images: 2 } },
    { tune: seedream, text: 'a neon sign saying "Tune Studio" — 80s style', at: now - 10 * HOUR, workspaceId: null, params: { num_images: 1, aspect_ratio: '21:9' } },
    { tune: priya, text: '<1> woman, {{eye_color}}, waiting for her turn', at: now - 30 * MIN, workspaceId: null, params: { num_images: 4 }, state: 'failed' },
    { tune: byTitle('Lars — second try'), text: 'ohwx man hiking in the Alps 🏔️', at: now - 60_000, workspaceId: null, params: { num_images: 4 }, state: 'pending' },
    { tune: priya, text: 'ohwx woman reading in a café, warm "cozy" light', at: now - 1_000, workspaceId: null, params: { num_images: 8, aspect_ratio: '4:5' }, state: 'generating' },
  ];

  prompts.push(...extra);
  prompts.sort((a, b) => a.at - b.at);
  let promptId = 21_000_000;
  for (const spec of prompts) {
    promptId += 1 + Math.floor(random() * 5);
    store.nextPromptId = promptId;
    const prompt = store.addPrompt({
      tuneId: spec.tune.id,
      workspaceId: spec.workspaceId,
      params: { ...defaultPromptParams(spec.text), ...spec.params },
      createdAt: spec.at,
      userError: null,
      liked: promptId % 5 === 0,
      likes: promptId % 5 === 0 ? 1 + (promptId % 3) : 0,
      inputUploadId: null,
      maskUploadId: null,
      packId: null,
      genMs: 35_000,
    });
    if (spec.state === 'failed') prompt.userError = 'Face not detected in the image. Try a clearer photo of <1>.';
    if (spec.state === 'generating') prompt.genMs = 30_000 / speed;
    if (spec.state === 'pending') prompt.genMs = 4_000 / speed;
  }
  store.nextTuneId = id + 1;

  const created = now - 40 * DAY_MS;
  const pack = (id: number, own: boolean, slug: string, title: string, classes: Record<string, string[]>) => ({
    id, own, baseTuneId: BASE_TUNES.flux, slug, title, token: 'ohwx', modelType: 'lora', mainClassName: Object.keys(classes)[0],
    costMcHash: Object.fromEntries(Object.keys(classes).map((c) => [c, 15_000])), createdAt: created + id * MIN,
    promptsPerClass: Object.fromEntries(Object.entries(classes).map(([cls, texts], i) => [
      cls, texts.map((text, n) => ({ id: 900_000 + id * 10 + i * 5 + n, text, numImages: 4 })),
    ])),
  });
  store.packs = [
    pack(260, true, 'corporate-headshots', 'Corporate Headshots', {
      man: ['ohwx man, corporate headshot, grey backdrop', 'ohwx man in a navy suit & tie, office'],
      woman: ['ohwx woman, corporate headshot, grey backdrop', 'ohwx woman in a blazer, "modern" office'],
    }),
    pack(261, false, 'fantasy-portraits', 'Fantasy Portraits 🧝', {
      woman: ['ohwx woman as an elf queen <lora:456:0.5>'],
      man: ['ohwx man as a knight, {{eye_color}}'],
    }),
    pack(262, false, 'pets-and-friends', 'Pets & Friends', {
      dog: ['ohwx dog in a superhero cape'],
      cat: ['ohwx cat on a throne'],
    }),
  ];
}

/** A trained tune with `count` images over prompts of 8 (the last one holds the rest). */
export function seedGallery(store: Store, count: number, title: string, now: number): StoredTune {
  const tune: StoredTune = {
    ...baseTune(store.nextTuneId++, title, 'flux1', 'lora', new Date(now - 2 * DAY_MS).toISOString()),
    name: 'woman', isBase: false, token: 'ohwx', baseTuneId: BASE_TUNES.flux, imageUrlCount: 6, costMc: 2000,
  };
  store.tunes.set(tune.id, tune);
  const prompts = Math.ceil(count / 8);
  for (let n = 0; n < prompts; n++) {
    const images = Math.min(8, count - n * 8);
    store.addPrompt({
      tuneId: tune.id, workspaceId: null,
      params: { ...defaultPromptParams(`ohwx woman, gallery shot #${n + 1} <lora:${tune.id}:0.8>`), num_images: images, aspect_ratio: ASPECTS[n % ASPECTS.length] },
      createdAt: now - DAY_MS + n * 1000, userError: null, liked: false, likes: 0, inputUploadId: null, maskUploadId: null,
      packId: null, genMs: 1000,
    });
  }
  return tune;
}

/**
 * `count` trained own tunes titled "<title> 1" (the oldest) … "<title> <count>" (the newest), in the personal
 * scope, with no prompts: lists long enough to page through, with titles a search can tell apart.
 */
export function seedTunes(store: Store, count: number, title: string, now: number): StoredTune[] {
  const tunes: StoredTune[] = [];
  for (let n = 1; n <= count; n++) {
    const createdAt = now - 3 * DAY_MS + n * 1000;
    const tune: StoredTune = {
      ...baseTune(store.nextTuneId++, `${title} ${n}`, 'flux1', 'lora', new Date(createdAt).toISOString()),
      name: 'man', isBase: false, token: 'ohwx', baseTuneId: BASE_TUNES.flux, imageUrlCount: 4, costMc: 2000,
    };
    store.tunes.set(tune.id, tune);
    tunes.push(tune);
  }
  return tunes;
}

// ---- Cartesia ---------------------------------------------------------------------------------

const voiceNames = (hostile: Pick): string[] => [
  'Narrator — calm 🎙️', 'Support agent (friendly)', "O'Brien & Co. podcast", hostile('<b>Bold</b> announcer', 'Bold announcer'), 'Oma Gisela',
  'Kids story "Bedtime"', 'Newsreader FR', 'Guía turística', 'アニメの声', 'Deep trailer voice', 'Whisper ASMR',
  'Sports commentator', 'Meditation guide', 'Audiobook — Émile', 'IVR menu', 'Game NPC: blacksmith', 'CEO keynote',
  'Radio jingle', hostile('"><svg onload=alert(1)>', 'Evening news'), 'Tutor (math)', 'Sales demo', 'Podcast cohost 🎧', 'Museum audio guide',
  'Weather bot', 'Lecture — physics',
];
const LANGUAGES = ['en', 'en', 'de', 'fr', 'es', 'ja', 'en', 'pt'];
const STATUSES: FineTuneStatus[] = ['completed', 'completed', 'training', 'completed', 'created', 'failed', 'completed'];

export function seedCartesia(store: CartesiaStore, now: number, options: { hostile?: boolean } = {}): void {
  const VOICE_NAMES = voiceNames(picker(options.hostile === true));
  const random = prng(7331);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  store.datasets = Array.from({ length: 5 }, (_, i) => ({
    id: `ds_${hex(20)}`,
    name: ['Studio recordings', 'Podcast episodes 1–12', 'Call-center samples', 'Audiobook ch. 1 & 2', 'Field notes 🎤'][i],
    description: `Dataset #${i + 1}`,
    createdAt: now - (60 - i * 7) * DAY_MS,
  }));
  const fineTunes = VOICE_NAMES.map((name, i) => ({
    id: `ft_${hex(20)}`,
    name,
    description: i % 4 === 0 ? '' : `Fine-tune of "${name}" & friends`,
    language: LANGUAGES[i % LANGUAGES.length],
    modelId: 'sonic-3-2026-01-12',
    dataset: store.datasets[i % store.datasets.length].id,
    status: STATUSES[i % STATUSES.length],
    trainAt: null,
    doneAt: null,
  }));
  store.voices = [];
  fineTunes.forEach((ft, i) => {
    if (ft.status !== 'completed') return;
    const count = 1 + (i % 3);
    for (let n = 0; n < count; n++) {
      store.voices.push({
        id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
        fineTuneId: ft.id,
        name: count === 1 ? ft.name : `${ft.name} (take ${n + 1})`,
        description: n === 0 ? 'Primary voice' : 'Alternate take',
        gender: ['feminine', 'masculine', null][(i + n) % 3],
        language: ft.language,
        createdAt: now - (25 - i) * DAY_MS + n * HOUR,
        frequency: 180 + Math.floor(random() * 420),
      });
    }
  });
  store.fineTunes = fineTunes.reverse(); // newest first
}
