// `npm run doctor` — checks what `npm start` and `npm test` need on this machine and prints, for each
// missing piece, the exact command that brings it. Changes nothing. Exit 1 when `npm start` cannot run.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  BUILD_REQUIREMENTS,
  CHROMIUM_REQUIREMENT,
  CODE_SERVER_VERSION,
  NODE_REQUIREMENT,
  RIPGREP_REQUIREMENT,
  aptCommand,
  isInstalled,
  ripgrepLinkPath,
  repoRoot,
  type Requirement,
} from './install-code-server';

type Need = 'start' | 'test' | 'optional';
interface Finding {
  name: string;
  ok: boolean;
  need: Need;
  detail: string;
  fix?: string;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function fromRequirement(r: Requirement, need: Need, okDetail: string): Finding {
  const ok = r.present();
  return { name: r.name, ok, need, detail: ok ? okDetail : r.why, fix: ok || !r.debian ? undefined : aptCommand([r.debian]) };
}

async function findings(): Promise<Finding[]> {
  const codeServer = isInstalled();
  const out: Finding[] = [
    { ...fromRequirement(NODE_REQUIREMENT, 'start', process.version), fix: NODE_REQUIREMENT.present() ? undefined : 'install Node 20 (e.g. with nvm: nvm install 20)' },
    {
      name: 'npm packages',
      ok: existsSync(join(repoRoot, 'node_modules', '.package-lock.json')),
      need: 'start',
      detail: 'the project\'s dependencies',
      fix: 'npm install',
    },
    {
      name: `code-server ${CODE_SERVER_VERSION}`,
      ok: codeServer,
      need: 'optional',
      detail: codeServer ? 'installed in .vscode-test/code-server' : 'not installed yet: the first npm start or npm test builds it (about a minute)',
      fix: codeServer ? undefined : 'npm run install:code-server',
    },
  ];
  // The toolchain matters only until code-server is built.
  for (const r of BUILD_REQUIREMENTS) {
    const f = fromRequirement(r, codeServer ? 'optional' : 'start', 'found');
    if (codeServer && !f.ok) f.detail = `${r.why} (not needed now: code-server is already built)`;
    out.push(f);
  }
  const rg = fromRequirement(RIPGREP_REQUIREMENT, 'optional', 'found');
  if (rg.ok && codeServer && !existsSync(ripgrepLinkPath())) rg.detail = 'found; linked into code-server on the next npm start';
  out.push(rg);
  out.push(fromRequirement(CHROMIUM_REQUIREMENT, 'test', CHROMIUM_REQUIREMENT.name));
  for (const [port, what] of [[4000, 'code-server'], [4010, 'sandbox API'], [4011, 'sandbox CDN']] as const) {
    const free = await portFree(port);
    out.push({
      name: `port ${port}`,
      ok: free,
      need: 'optional',
      detail: free ? `free (${what})` : `in use: npm start picks a free port for the ${what} instead`,
    });
  }
  return out;
}

const LABEL: Record<Need, string> = { start: 'needed by npm start', test: 'needed by npm test', optional: 'optional' };

async function main(): Promise<number> {
  const list = await findings();
  const width = Math.max(...list.map((f) => f.name.length));
  console.log('Tune Studio doctor: what npm start and npm test need here\n');
  for (const f of list) {
    console.log(`${f.ok ? '✓' : f.need === 'optional' ? '–' : '✗'} ${f.name.padEnd(width)}  ${f.detail}${f.ok ? '' : ` [${LABEL[f.need]}]`}`);
    if (!f.ok && f.fix) console.log(`  ${' '.repeat(width)}  → ${f.fix}`);
  }
  const blocking = list.filter((f) => !f.ok && f.need === 'start');
  const forTests = list.filter((f) => !f.ok && f.need === 'test');
  console.log('');
  if (blocking.length) console.log(`npm start cannot run yet: fix ${blocking.map((f) => f.name).join(', ')}.`);
  else console.log('npm start: ready.');
  if (forTests.length) console.log(`npm test: needs ${forTests.map((f) => f.name).join(', ')} (installed automatically when run as root with apt-get).`);
  else if (!blocking.length) console.log('npm test: ready.');
  return blocking.length ? 1 : 0;
}

main().then((code) => process.exit(code), (e: Error) => {
  console.error(`[doctor] ${e.message}`);
  process.exit(2);
});
