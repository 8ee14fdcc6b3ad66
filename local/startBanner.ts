import { functionErrorReport } from './functionsHost/hostRegistrationRules';
import type { LocalStack } from './startLocalStack';

/** What `npm start` prints once the stack is up: where everything is, what is wrong, how to try it. */
export function startBanner(
  stack: Pick<LocalStack, 'url' | 'issuer' | 'emulatorUrl' | 'tablesUrl' | 'functionErrors'>,
  dataDir: string | undefined,
): string {
  const errors = functionErrorReport(stack.functionErrors);
  return [
    '',
    `ACS trusted service running at ${stack.url}/api`,
    `  web app:       ${stack.url}/api/app/   (every flow in a browser; ${stack.url}/ leads there too)`,
    `  health:        ${stack.url}/api/health`,
    `  OpenAPI:       ${stack.url}/api/openapi.json`,
    `  dev sign-in:   POST ${stack.url}/dev/token  {"sub":"alice"}   (issuer ${stack.issuer})`,
    ...(stack.emulatorUrl ? [`  ACS emulator:  ${stack.emulatorUrl}`] : []),
    ...(stack.tablesUrl ? [`  Azurite table: ${stack.tablesUrl}`] : []),
    `  data:          ${dataDir ?? 'in memory (nothing kept)'}`,
    '',
    ...(errors.length > 0 ? [...errors, ''] : []),
    'Try it:',
    `  TOKEN=$(curl -s -X POST ${stack.url}/dev/token -H 'content-type: application/json' -d '{"sub":"alice"}' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    `  curl -s -X POST ${stack.url}/api/token -H "authorization: Bearer $TOKEN"`,
    '',
    'Press Ctrl-C to stop.',
  ].join('\n');
}
