import { z } from 'zod';
import { healthReportSchema } from './healthSchemas';
import { defineOperation } from './operation';

/** What the service says about itself: health, and this API's description. */
export const serviceOperations = {
  health: defineOperation({
    name: 'health',
    method: 'GET',
    head: true,
    route: 'health',
    access: 'anonymous',
    summary:
      'Health of the service and its dependencies: 503 when storage, ACS, the identity provider or secrets are down; `degraded` (200) when only an optional feature (Graph) is.',
    response: {
      status: 200,
      description: 'Every required dependency is up (`ok`), or only an optional one is down (`degraded`).',
      schema: healthReportSchema,
    },
    problems: [503],
  }),
  apiExplorer: defineOperation({
    name: 'apiExplorer',
    method: 'GET',
    route: 'docs/{*file}',
    access: 'anonymous',
    summary:
      'The API explorer (Swagger UI) for this document, at `/api/docs/`, where API_EXPLORER_ENABLED is on.',
    params: z.object({ file: z.string().max(64).optional() }),
    response: { status: 200, description: 'A page or an asset of the explorer.' },
    problems: [404],
  }),
  openApi: defineOperation({
    name: 'openApi',
    method: 'GET',
    route: 'openapi.json',
    access: 'anonymous',
    summary: 'This document.',
    response: {
      status: 200,
      description: 'The OpenAPI 3.1 document.',
      schema: z.record(z.string(), z.unknown()),
    },
  }),
};
