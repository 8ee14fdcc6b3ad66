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
    summary: 'Health of the service and its dependencies (503 when one is down).',
    response: { status: 200, description: 'Every dependency is up.', schema: healthReportSchema },
    problems: [503],
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
