import { runningServiceUrl } from './runningService';

/** `npm run -s url`: prints the running local service's base URL, e.g. for `BASE=$(npm run -s url)`. */
process.stdout.write(`${runningServiceUrl()}\n`);
