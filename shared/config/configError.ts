/** Start-up stops with this when a setting is missing or bad; the message names every such setting. */
export class ConfigError extends Error {
  constructor(readonly problems: Array<{ setting: string; message: string }>) {
    super(
      `Invalid configuration: ${problems.map((problem) => `${problem.setting}: ${problem.message}`).join('; ')}`,
    );
    this.name = 'ConfigError';
  }
}
