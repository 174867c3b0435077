// A test-only extension that is not Tune Studio: it plays any other extension installed next to it
// and tries to get an API key out of Tune Studio's exports. Packaged and installed next to the packaged
// Tune Studio by test/e2e/exports.e2e.ts (never shipped). Plain CommonJS, no build step.
//
// On startup it activates Tune Studio (as any extension may) and reads its exports without calling
// anything. The command "Exports Probe: Inspect Tune Studio Exports" (tuneStudioProbe.run) then walks
// `exports` breadth first: own and prototype properties, getters, Map and Set entries, byte arrays;
// depth-, size- and time-limited and cycle-safe. It calls every function it meets with no argument,
// with 'astria' / 'cartesia', and with a provider and the origin of its configured base URL (except
// those whose name says they delete, sign out or overwrite), awaits what they return (with a timeout)
// and walks that too. Any string it reaches that contains a sandbox key (TUNE_STUDIO_SANDBOX_ASTRIA_KEY
// / _CARTESIA_KEY, which the e2e runner gives the extension host) is a leak. The report, written as JSON
// to $TUNE_STUDIO_PROBE_OUT, says where a key was found, never the key. The same walk over a decoy that
// holds and returns the keys shows that the walk finds them.
'use strict';

const vscode = require('vscode');
const { renameSync, writeFileSync } = require('node:fs');

const TUNE_STUDIO = 'tune-studio.tune-studio';
const PROVIDERS = ['astria', 'cartesia'];
const MAX_DEPTH = 10;
const MAX_NODES = 100000;
const MAX_CALLS = 2000;
const MAX_MS = 60000;
const MAX_SHAPE_LINES = 400;
const CALL_TIMEOUT_MS = 1000;
// Recorded but not called: a probe that deletes, signs out or overwrites would hide the keys it looks
// for (and wreck the window it reports on).
const NOT_CALLED = /^(dispose|delete|remove|clear|sign[_-]?out|logout|stop|close|reset|set|update|store|write|save|kill|terminate|deactivate|unregister|fire)/i;

/** The keys to look for, from the extension host's environment. */
function secretsFromEnv() {
  return {
    astria: process.env.TUNE_STUDIO_SANDBOX_ASTRIA_KEY || '',
    cartesia: process.env.TUNE_STUDIO_SANDBOX_CARTESIA_KEY || '',
  };
}

/** Origins of the configured base URLs (a key may be stored per server). */
function configuredOrigins() {
  const out = {};
  const config = vscode.workspace.getConfiguration('tuneStudio');
  for (const provider of PROVIDERS) {
    try {
      out[provider] = new URL(String(config.get(`${provider}.baseUrl`))).origin;
    } catch {
      out[provider] = undefined;
    }
  }
  return out;
}

function withTimeout(value, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), ms);
  });
  return Promise.race([Promise.resolve(value).then((v) => ({ value: v }), (e) => ({ error: e })), timeout]).finally(() => clearTimeout(timer));
}

function describeType(value) {
  if (value === null) return 'null';
  if (typeof value === 'function') return `function(${value.length})`;
  if (typeof value !== 'object') return typeof value;
  const name = (() => {
    try {
      return Object.getPrototypeOf(value)?.constructor?.name;
    } catch {
      return undefined;
    }
  })();
  return name ? `object ${name}` : 'object';
}

function keyLabel(key) {
  return typeof key === 'symbol' ? `[${String(key)}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** A prototype of the language or the runtime (Array, Map, Promise, Uint8Array…): holds no key of anyone's. */
function isBuiltinPrototype(proto) {
  if (proto === Object.prototype || proto === Function.prototype) return true;
  try {
    const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
    return typeof ctor === 'function' && Function.prototype.toString.call(ctor).includes('[native code]');
  } catch {
    return false;
  }
}

function isClass(fn) {
  try {
    return /^class\b/.test(Function.prototype.toString.call(fn));
  } catch {
    return false;
  }
}

/**
 * Walks `root` breadth first (so the budget is spent near the surface) and reports every place a key
 * is held or returned. `secrets` maps provider → key; empty keys are not looked for.
 */
async function inspect(root, rootLabel, secrets, origins, { call: mayCall = true } = {}) {
  const seen = new WeakSet();
  const called = new WeakMap(); // function → holders it was called on
  const report = { type: describeType(root), shape: [], nodes: 0, calls: 0, notCalled: [], leaks: [], truncated: false, errors: 0, ms: 0 };
  const wanted = Object.entries(secrets).filter(([, key]) => key);
  const started = Date.now();

  const check = (text, path, how) => {
    for (const [provider, key] of wanted) {
      if (text.includes(key)) report.leaks.push({ provider, path, how });
    }
  };

  const argLists = (fn, name) => {
    if (!mayCall || NOT_CALLED.test(name) || isClass(fn)) return [];
    const lists = [];
    if (fn.length === 0) lists.push([]);
    if (fn.length <= 2) for (const p of PROVIDERS) lists.push([p]);
    if (fn.length === 2) for (const p of PROVIDERS) if (origins[p]) lists.push([p, origins[p]]);
    return lists;
  };

  // Items: { value, path, depth, how } to walk, or { call: fn, holder, args, path, depth } to call.
  const queue = [{ value: root, path: rootLabel, depth: 0, how: 'holds' }];
  const push = (item) => {
    if (item.depth > MAX_DEPTH) report.truncated = true;
    else queue.push(item);
  };

  async function call(item) {
    if (report.calls >= MAX_CALLS) {
      report.truncated = true;
      return;
    }
    report.calls++;
    let result;
    try {
      result = item.call.apply(item.holder, item.args);
    } catch {
      return; // a function that wants other arguments
    }
    const settled = await withTimeout(result, CALL_TIMEOUT_MS);
    if ('value' in settled) push({ value: settled.value, path: item.path, depth: item.depth, how: 'returns' });
    else if ('error' in settled) push({ value: settled.error, path: `${item.path} (rejected)`, depth: item.depth, how: 'returns' });
  }

  async function visit({ value, path, depth, how }) {
    report.nodes++;
    if (typeof value === 'string') {
      check(value, path, how);
      return;
    }
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
    if (seen.has(value)) return;
    seen.add(value);
    if (report.shape.length < MAX_SHAPE_LINES) report.shape.push(`${path}: ${describeType(value)}`);
    const next = depth + 1;

    // A promise or other thenable: what it resolves to.
    let then;
    try {
      then = value.then;
    } catch {
      report.errors++;
    }
    if (typeof then === 'function') {
      const settled = await withTimeout(value, CALL_TIMEOUT_MS);
      if ('value' in settled) push({ value: settled.value, path: `${path} ⇒`, depth: next, how });
      else if ('error' in settled) push({ value: settled.error, path: `${path} ⇒ (rejected)`, depth: next, how });
    }

    // Bytes: as text.
    if (ArrayBuffer.isView(value)) {
      if (value.byteLength <= 1 << 20) check(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'), path, how);
      return;
    }
    if (value instanceof ArrayBuffer && value.byteLength <= 1 << 20) check(Buffer.from(value).toString('utf8'), path, how);
    // Map and Set entries.
    try {
      if (value instanceof Map) {
        let i = 0;
        for (const [k, v] of value) {
          push({ value: k, path: `${path}.<key ${i}>`, depth: next, how });
          push({ value: v, path: `${path}.<value ${i}>`, depth: next, how });
          i++;
        }
      } else if (value instanceof Set) {
        let i = 0;
        for (const v of value) push({ value: v, path: `${path}.<entry ${i++}>`, depth: next, how });
      }
    } catch {
      report.errors++;
    }

    // Own and inherited properties, up to the first built-in prototype (whose methods, such as an
    // array's pop() or a Map's clear(), are not the extension's and might change what they are called
    // on). Map and Set entries and bytes are read above.
    const done = new Set();
    for (let holder = value; holder && !isBuiltinPrototype(holder); ) {
      let keys = [];
      try {
        // `constructor` last: the prototype it leads back to is walked from the object itself.
        keys = Reflect.ownKeys(holder).sort((a, b) => Number(a === 'constructor') - Number(b === 'constructor'));
      } catch {
        report.errors++;
      }
      for (const key of keys) {
        if (done.has(key)) continue;
        done.add(key);
        if (typeof key === 'string') check(key, `${path}${keyLabel(key)} (property name)`, how);
        let member;
        try {
          member = Reflect.get(holder, key, value); // runs getters with the object as `this`
        } catch {
          report.errors++;
          continue;
        }
        const memberPath = `${path}${keyLabel(key)}`;
        push({ value: member, path: memberPath, depth: next, how });
        if (typeof member === 'function') {
          const holders = called.get(member) ?? new WeakSet();
          called.set(member, holders);
          if (holders.has(value)) continue;
          holders.add(value);
          const lists = argLists(member, typeof key === 'string' ? key : String(key));
          if (!lists.length) report.notCalled.push(memberPath);
          for (const args of lists) {
            push({ call: member, holder: value, args, path: `${memberPath}(${args.map((a) => JSON.stringify(a)).join(', ')})`, depth: next });
          }
        }
      }
      try {
        holder = Object.getPrototypeOf(holder);
      } catch {
        report.errors++;
        break;
      }
    }
  }

  for (let i = 0; i < queue.length; i++) {
    if (report.nodes >= MAX_NODES || Date.now() - started > MAX_MS) {
      report.truncated = true;
      break;
    }
    const item = queue[i];
    queue[i] = undefined;
    if ('call' in item) await call(item);
    else await visit(item);
  }
  report.ms = Date.now() - started;
  return report;
}

/** Something that does leak, walked the same way: proves the walk would see a leak in `exports`. */
async function selfCheck(secrets, origins) {
  class Vault {
    #keys;
    constructor(keys) {
      this.#keys = keys;
    }
    async get(provider) {
      return this.#keys[provider];
    }
  }
  const decoy = { services: { settings: { nested: [new Map([['astria', { token: secrets.astria }]])] } }, vault: new Vault({ ...secrets }) };
  const report = await inspect(decoy, 'decoy', secrets, origins);
  const found = (provider, how) => report.leaks.some((l) => l.provider === provider && l.how === how);
  return {
    detected: { astriaHeld: found('astria', 'holds'), astriaReturned: found('astria', 'returns'), cartesiaReturned: found('cartesia', 'returns') },
    leaks: report.leaks.map((l) => `${l.provider} ${l.how} at ${l.path}`),
  };
}

const MODE_NAMES = { 1: 'Production', 2: 'Development', 3: 'Test' };

async function tuneStudioFindings(secrets, origins, options) {
  const ext = vscode.extensions.getExtension(TUNE_STUDIO);
  if (!ext) return { found: false };
  const out = { found: true, version: ext.packageJSON?.version, activationError: undefined };
  try {
    await ext.activate();
  } catch (e) {
    out.activationError = String(e?.message ?? e);
  }
  out.isActive = ext.isActive;
  out.exportsType = describeType(ext.exports);
  out.exports = await inspect(ext.exports, 'exports', secrets, origins, options);
  return out;
}

let startup;

async function run(context) {
  const secrets = secretsFromEnv();
  const origins = configuredOrigins();
  const report = {
    probe: context.extension.id,
    probeExtensionMode: MODE_NAMES[context.extensionMode] ?? String(context.extensionMode),
    env: { astria: Boolean(secrets.astria), cartesia: Boolean(secrets.cartesia) },
    origins,
    startup: await startup,
    tuneStudio: await tuneStudioFindings(secrets, origins),
    selfCheck: await selfCheck(secrets, origins),
  };
  const out = process.env.TUNE_STUDIO_PROBE_OUT;
  if (out) {
    writeFileSync(`${out}.tmp`, JSON.stringify(report, null, 2));
    renameSync(`${out}.tmp`, out); // the test never reads half a file
  }
  return report;
}

function activate(context) {
  // Before anyone stored a key: activated by another extension, what does Tune Studio hand out? Only
  // read, not called: a call might open a dialog in the window the test is about to drive.
  startup = tuneStudioFindings(secretsFromEnv(), configuredOrigins(), { call: false }).catch((e) => ({ error: String(e?.message ?? e) }));
  context.subscriptions.push(
    vscode.commands.registerCommand('tuneStudioProbe.run', () =>
      run(context).catch((e) => {
        const out = process.env.TUNE_STUDIO_PROBE_OUT;
        if (out) writeFileSync(out, JSON.stringify({ error: String(e?.stack ?? e) }));
        throw e;
      }),
    ),
  );
}

function deactivate() {}

module.exports = { activate, deactivate };
