// `npm run test:e2e`: builds the app, finds a browser, runs the Playwright specs in e2e/.
import { spawnSync } from 'node:child_process';
import { findBrowser } from './find-browser.mjs';

let browser;
try {
  browser = await findBrowser();
} catch (e) {
  console.error(`[iopath] ${e.message}`);
  process.exit(1);
}
const env = { ...process.env, IOPATH_CHROMIUM: browser, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (!process.env.IOPATH_SKIP_BUILD) run('npx', ['vite', 'build', '--logLevel', 'warn']);
run('npx', ['playwright', 'test', ...process.argv.slice(2)]);
