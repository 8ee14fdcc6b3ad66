import { parseArgs } from 'node:util';
import { startAcsEmulator } from './startAcsEmulator';

/**
 * Runs the ACS emulator as its own process. Prints one JSON line, `{"url":...}`, once it listens; the
 * access key comes from ACS_EMULATOR_ACCESS_KEY (or the data folder, or is random) and is never printed.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'time-scale': { type: 'string' },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535`);
  const timeScale = values['time-scale'] === undefined ? undefined : Number(values['time-scale']);
  if (timeScale !== undefined && !(timeScale > 0)) throw new Error('--time-scale must be a positive number');
  const accessKey = process.env['ACS_EMULATOR_ACCESS_KEY'];
  const emulator = await startAcsEmulator({
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(accessKey ? { accessKey } : {}),
    ...(timeScale === undefined ? {} : { timeScale }),
  });
  process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`acs emulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
