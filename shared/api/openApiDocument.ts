import { z } from 'zod';
import type { ApiOperation } from './apiOperation';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
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

/** An OpenAPI 3.1 document generated from the zod schemas that validate the requests. */
export function openApiDocument(
  operations: ApiOperation[],
  options: { serverUrl?: string } = {},
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const path = `/api${operation.path}`;
    paths[path] ??= {};
    paths[path][operation.method] = describeOperation(operation);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ACS trusted service',
      version: '0.1.0',
      description:
        'Maps app users to Azure Communication Services identities, issues their tokens, and shares calls.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}

function describeOperation(operation: ApiOperation): Record<string, unknown> {
  const errorStatuses = new Set<number>(operation.errors ?? []);
  if (operation.requestBody || operation.query || operation.path.includes('{')) errorStatuses.add(400);
  if (operation.requestBody) [413, 415].forEach((status) => errorStatuses.add(status));
  if (operation.access !== 'anonymous') errorStatuses.add(401);
  if (operation.access === 'admin') errorStatuses.add(403);
  const responses: Record<string, unknown> = {
    [operation.success.status]: {
      description: operation.success.description,
      ...(operation.success.schema
        ? { content: { 'application/json': { schema: jsonSchema(operation.success.schema, 'output') } } }
        : {}),
    },
  };
  for (const status of [...errorStatuses].sort()) {
    responses[status] = {
      description: errorDescriptions[status] ?? 'Error.',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.access !== 'anonymous' ? { security: [{ bearer: [] }] } : {}),
    ...(operation.access === 'admin' ? { 'x-required-role': 'admin' } : {}),
    parameters: [...pathParameters(operation.path), ...queryParameters(operation.query)],
    ...(operation.requestBody
      ? {
          requestBody: {
            required: operation.requestBody.required,
            content: { 'application/json': { schema: jsonSchema(operation.requestBody.schema, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

function pathParameters(path: string) {
  return [...path.matchAll(/\{(\w+)\}/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
}

function queryParameters(query: z.ZodObject | undefined) {
  if (!query) return [];
  return Object.entries(query.shape).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema: jsonSchema(schema as z.ZodType, 'input'),
  }));
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}
