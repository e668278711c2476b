import { defineConfig } from '@playwright/test';

// The browser comes from scripts/find-browser.mjs (via scripts/e2e.mjs): Playwright's own
// Chromium, $CHROMIUM_PATH or Debian's /usr/bin/chromium. Flags from browser-limits.md.
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const executablePath =
  process.env.IOPATH_CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Port and build folder can be moved (IOPATH_E2E_PORT, IOPATH_E2E_DIST) so two runs on one
// machine don't serve each other's half-written builds.
const port = Number(process.env.IOPATH_E2E_PORT ?? 4173);
const dist = process.env.IOPATH_E2E_DIST ?? 'dist';

export default defineConfig({
  testDir: 'e2e',
  testMatch: /.*\.spec\.ts/,
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 800 },
    launchOptions: { executablePath, args: chromiumArgs },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort --outDir ${dist}`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
