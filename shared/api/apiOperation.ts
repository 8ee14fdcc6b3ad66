import type { z } from 'zod';

/** One operation of the HTTP API, described once for the OpenAPI document. */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Below /api, with `{name}` parameters, as the functions register it. */
  path: string;
  operationId: string;
  summary: string;
  /** `user`: any signed-in caller; `admin`: the admin role. */
  access: 'anonymous' | 'user' | 'admin';
  requestBody?: { schema: z.ZodType; required: boolean };
  query?: z.ZodObject;
  /** Success status and, when it has a body, its schema. */
  success: { status: number; description: string; schema?: z.ZodType };
  /** Error statuses this operation can answer besides the ones every operation of its access can. */
  errors?: number[];
}
