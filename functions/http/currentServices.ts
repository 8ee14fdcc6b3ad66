import type { AppConfig } from '../../shared/config/appConfig';
import { loadConfig } from '../../shared/config/loadConfig';
import { createAppServices } from '../../shared/composition/createAppServices';
import type { AppServices } from '../../shared/composition/appServices';

// Read once, when the app is loaded: a missing or bad setting stops start-up with its name.
const config = loadConfig(process.env);
let services: AppServices | undefined;

export function currentConfig(): AppConfig {
  return config;
}

/** This instance's services, built on first use. */
export function currentServices(): AppServices {
  services ??= createAppServices(config);
  return services;
}
