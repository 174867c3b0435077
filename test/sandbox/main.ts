// `npm run sandbox` — starts the local Astria + Cartesia sandbox and prints where it listens.
//   npm run sandbox -- --port 4010 --cdn-port 4011 --speed 1 --seed demo --profile rich --host 127.0.0.1 --quiet --ignore-paging --hostile-demo
// Each flag also reads from the environment: SANDBOX_PORT, SANDBOX_CDN_PORT, SANDBOX_SPEED, SANDBOX_SEED,
// SANDBOX_PROFILE, SANDBOX_HOST, SANDBOX_QUIET=1, SANDBOX_IGNORE_PAGING=1, SANDBOX_HOSTILE_DEMO=1 (the tests' demo data:
// markup- and script-like titles, prompt texts and voice names).
import { parseArgs } from 'node:util';
import { PROFILES, startSandbox, type SandboxProfile } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'cdn-port': { type: 'string' },
    speed: { type: 'string' },
    seed: { type: 'string' },
    profile: { type: 'string' },
    host: { type: 'string' },
    quiet: { type: 'boolean' },
    'ignore-paging': { type: 'boolean' },
    'hostile-demo': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('Usage: npm run sandbox -- [--port 4010] [--cdn-port 4011] [--speed 1] [--seed demo|empty] [--profile rich|documented] [--host 127.0.0.1] [--quiet] [--ignore-paging] [--hostile-demo]');
  process.exit(0);
}

const env = process.env;
const port = Number(values.port ?? env.SANDBOX_PORT ?? 4010);
const seedName = values.seed ?? env.SANDBOX_SEED ?? 'demo';
if (seedName !== 'demo' && seedName !== 'empty') {
  console.error(`--seed must be "demo" or "empty", not "${seedName}"`);
  process.exit(2);
}
const seed: 'demo' | 'empty' = seedName;
const profileName = values.profile ?? env.SANDBOX_PROFILE ?? 'rich';
if (!PROFILES.includes(profileName as SandboxProfile)) {
  console.error(`--profile must be one of ${PROFILES.join(', ')}, not "${profileName}"`);
  process.exit(2);
}
const profile = profileName as SandboxProfile;

async function main(): Promise<void> {
  const sandbox = await startSandbox({
    host: values.host ?? env.SANDBOX_HOST ?? '127.0.0.1',
    port,
    cdnPort: Number(values['cdn-port'] ?? env.SANDBOX_CDN_PORT ?? (port === 0 ? 0 : port + 1)),
    speed: Number(values.speed ?? env.SANDBOX_SPEED ?? 1),
    seed,
    profile,
    quiet: values.quiet ?? env.SANDBOX_QUIET === '1',
    ignorePaging: values['ignore-paging'] ?? env.SANDBOX_IGNORE_PAGING === '1',
    hostileDemo: values['hostile-demo'] ?? env.SANDBOX_HOSTILE_DEMO === '1',
  });

  console.log(
    [
      `Tune Studio sandbox is running (profile: ${sandbox.profile}${sandbox.ignorePaging ? ', ignoring every paging parameter' : ''})`,
      `  Astria API    ${sandbox.url}  key ${sandbox.astriaKey}`,
      `  Cartesia API  ${sandbox.cartesiaUrl}  key ${sandbox.cartesiaKey}  (Cartesia-Version: 2026-03-01)`,
      `  CDN           ${sandbox.cdnUrl}`,
      `  Admin         ${sandbox.url}/__admin`,
      `  Try: curl -H "Authorization: Bearer ${sandbox.astriaKey}" ${sandbox.url}/tunes`,
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );

  let closing = false;
  const stop = () => {
    if (closing) process.exit(1);
    closing = true;
    sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
