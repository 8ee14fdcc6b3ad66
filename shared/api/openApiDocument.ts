import { z } from 'zod';
import { impliedProblemExamples } from './impliedProblemExamples';
import type { Operation, ProblemExample } from './operation';
import { problemStatuses } from './problemStatuses';
import { routePath } from './routePath';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'Stable: clients branch on it.' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
    invocationId: { type: 'string', description: 'On 500: quote it to the operator.' },
  },
};

const errorDescriptions: Record<number, string> = {
  400: 'The request is not valid.',
  401: 'No valid bearer token.',
  403: 'The caller may not do this.',
  404: 'Not found, or not visible to the caller.',
  409: 'Conflicts with the current state.',
  413: 'The body is too large.',
  415: 'The body is not JSON.',
  429: 'Too many requests; see Retry-After.',
  503: 'A dependency is unavailable; see Retry-After.',
};

const securitySchemes = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A token of the app’s OIDC issuer.',
  },
  acsCallback: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Signed by ACS Call Automation for this resource; the URL binds it to one call connection.',
  },
  incomingCall: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An Entra token Event Grid presents, with the incoming-call role.',
  },
} as const;

export interface OpenApiOptions {
  serverUrl?: string;
  /** The largest body the deployment accepts: replayed 413 examples send one byte more. */
  maxRequestBodyBytes: number;
}

/**
 * The OpenAPI 3.1 document, generated from the operation declarations: paths and methods as the functions
 * register them, schemas from the zod schemas that validate requests, access, budgets, every problem status
 * an operation can answer, and for each replayable problem the request that provokes it (`x-request`).
 */
export function openApiDocument(
  operations: readonly Operation[],
  options: OpenApiOptions,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const path = `/api/${routePath(operation.route)}`;
    const item = (paths[path] ??= {});
    item[operation.method.toLowerCase()] = describeOperation(operation, options);
    if (operation.head)
      item.head = { ...describeOperation(operation, options), operationId: `${operation.name}Head` };
  }
  for (const item of Object.values(paths)) {
    item.options = {
      summary: 'CORS preflight (and the methods this path allows, in Allow).',
      responses: { 204: { description: 'Allowed methods; CORS headers when the Origin is allowed.' } },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ACS trusted service',
      version: '0.2.0',
      description:
        'Maps app users to Azure Communication Services identities, issues their tokens, and shares calls.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: { schemas: { Problem: problemSchema }, securitySchemes },
  };
}

function describeOperation(operation: Operation, options: OpenApiOptions): Record<string, unknown> {
  const examples = [...impliedProblemExamples(operation), ...(operation.examples ?? [])];
  const responses: Record<string, unknown> = {
    [operation.response.status]: {
      description: operation.response.description,
      ...(operation.response.schema
        ? { content: { 'application/json': { schema: jsonSchema(operation.response.schema, 'output') } } }
        : {}),
    },
  };
  for (const status of problemStatuses(operation)) {
    const ofStatus = examples.filter((example) => example.status === status);
    responses[status] = {
      description: errorDescriptions[status] ?? 'Error.',
      content: {
        'application/problem+json': {
          schema: { $ref: '#/components/schemas/Problem' },
          ...(ofStatus.length > 0
            ? {
                examples: Object.fromEntries(
                  ofStatus.map((example, index) => exampleEntry(operation, example, index, options)),
                ),
              }
            : {}),
        },
      },
    };
  }
  return {
    operationId: operation.name,
    summary: operation.summary,
    ...(operation.access === 'anonymous' ? {} : { security: [{ [securitySchemeOf(operation)]: [] }] }),
    'x-access': operation.access,
    ...(operation.budget ? { 'x-budget': operation.budget } : {}),
    parameters: [...parameters(operation.params, 'path'), ...parameters(operation.query, 'query')],
    ...(operation.body
      ? {
          requestBody: {
            required: !operation.bodyOptional,
            content: { 'application/json': { schema: jsonSchema(operation.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

function securitySchemeOf(operation: Operation): keyof typeof securitySchemes {
  if (operation.access === 'acsCallback') return 'acsCallback';
  if (operation.access === 'incomingCall') return 'incomingCall';
  return 'bearer';
}

function exampleEntry(
  operation: Operation,
  example: ProblemExample,
  index: number,
  options: OpenApiOptions,
): [string, Record<string, unknown>] {
  const { status, code, summary, caller, ...request } = example;
  return [
    `${code}${index}`,
    {
      summary,
      value: { type: 'about:blank', status, code },
      'x-request': {
        caller,
        ...request,
        params: { ...operation.exampleParams, ...request.params },
        ...(status === 413 ? { bodyBytes: options.maxRequestBodyBytes + 1 } : {}),
      },
    },
  ];
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query') {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, property]) => {
    const described = jsonSchema(property, 'input');
    const { description, ...rest } = described;
    return {
      name,
      in: location,
      required: location === 'path' || !property.safeParse(undefined).success,
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}
