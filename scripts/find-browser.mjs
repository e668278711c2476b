// Finds a Chromium for the e2e tests and benchmarks: Playwright's own browser if one is
// installed, else $CHROMIUM_PATH, else /usr/bin/chromium; as root on Debian it installs the
// `chromium` package when none exists; otherwise it stops with a message saying how to get one.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

export async function findBrowser({ install = true } = {}) {
  try {
    const { chromium } = await import('playwright-core');
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // playwright-core not resolvable or no bundled browser: fall through.
  }
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
  }
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (install && isRoot && existsSync('/etc/debian_version')) {
    console.error('[iopath] no Chromium found: installing Debian chromium with apt-get …');
    execSync(
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium',
      {
        stdio: 'inherit',
      },
    );
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  throw new Error(
    'No Chromium found for the browser tests. Install one of: Debian/Ubuntu `sudo apt-get install chromium`, ' +
      'or `npx playwright install chromium` where downloads work, or set CHROMIUM_PATH=/path/to/chromium.',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  findBrowser()
    .then((p) => console.log(p))
    .catch((e) => {
      console.error(e.message);
      process.exit(1);
    });
}
