import { z } from 'zod';
import { runningServiceUrl } from './runningService';

/**
 * `npm run token -- <subject> [--admin] [--role NAME]...`: asks the running local service's dev
 * sign-in for a bearer token and prints it, ready for `Authorization: Bearer ...`.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const subject = args.find((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--role');
  if (!subject) {
    console.error('Usage: npm run token -- <subject> [--admin] [--role NAME]');
    process.exit(2);
  }
  const roles = args.flatMap((arg, index) => (args[index - 1] === '--role' ? [arg] : []));
  if (args.includes('--admin')) roles.push(process.env.AUTH_ADMIN_ROLE ?? 'admin');
  const base = runningServiceUrl();
  let response: Response;
  try {
    response = await fetch(`${base}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: subject, ...(roles.length > 0 ? { roles } : {}) }),
    });
  } catch {
    console.error(`The service is not running at ${base}: start it with 'npm start'.`);
    process.exit(1);
  }
  const body = z.object({ access_token: z.string() }).safeParse(await response.json().catch(() => undefined));
  if (!response.ok || !body.success) {
    console.error(`Dev sign-in at ${base}/dev/token answered ${response.status}.`);
    process.exit(1);
  }
  process.stdout.write(`${body.data.access_token}\n`);
}

void main();
