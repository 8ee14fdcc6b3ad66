import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's package (`apt-get install chromium`); never a browser Playwright downloads. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumAbsent = !existsSync(chromiumPath);

if (chromiumAbsent) {
  console.warn(
    `Browser tests skipped: no Chromium at ${chromiumPath}. Install it with \`apt-get install chromium\` ` +
      '(or point CHROMIUM_PATH at one), then run npm test again.',
  );
}

/** Headless, and quiet: nothing in the background reaches the network or competes with the tests. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
