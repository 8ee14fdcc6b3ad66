import { runningEmulatorUrl, runningServiceUrl } from './runningService';

/**
 * `npm run -s url`: prints the running local service's base URL, e.g. for `BASE=$(npm run -s url)`;
 * `npm run -s url -- --emulator`: its embedded ACS emulator's (exit 1 when it runs none).
 */
if (process.argv.includes('--emulator')) {
  const emulatorUrl = runningEmulatorUrl();
  if (!emulatorUrl) {
    console.error('No running npm start with an embedded ACS emulator was found.');
    process.exit(1);
  }
  process.stdout.write(`${emulatorUrl}\n`);
} else {
  process.stdout.write(`${runningServiceUrl()}\n`);
}
