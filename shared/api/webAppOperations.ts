import { z } from 'zod';
import { defineOperation } from './operation';
import { webAppSettingsSchema } from './webAppSchemas';

/** The web app that walks every flow of the service, served from the API's own origin (no CORS). */
export const webAppOperations = {
  webAppSettings: defineOperation({
    name: 'webAppSettings',
    method: 'GET',
    route: 'app/settings.json',
    access: 'anonymous',
    summary: 'What the web app needs to know of this deployment: how to sign in, and whether media can flow.',
    response: { status: 200, description: 'The web app’s settings.', schema: webAppSettingsSchema },
    problems: [404],
  }),
  webApp: defineOperation({
    name: 'webApp',
    method: 'GET',
    route: 'app/{*file}',
    access: 'anonymous',
    summary: 'The web app, at `/api/app/`, where WEB_APP_ENABLED is on (the default).',
    params: z.object({ file: z.string().max(64).optional() }),
    response: { status: 200, description: 'A page or an asset of the web app.' },
    problems: [404],
  }),
};
