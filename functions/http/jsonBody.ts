import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { fieldProblems } from '../../shared/errors/fieldProblems';
import { badRequest, payloadTooLarge, unsupportedMediaType } from '../../shared/errors/serviceError';

const jsonContentType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads and validates a JSON body. The size is checked here as well as at the host, because in Azure
 * the real Functions host applies its own (much larger) limit.
 */
export async function jsonBody<Schema extends z.ZodType>(
  request: HttpRequest,
  schema: Schema,
  options: { optional: boolean; maxBytes: number },
): Promise<z.output<Schema>> {
  const { maxBytes } = options;
  const declaredLength = Number(request.headers.get('content-length') ?? '0');
  if (declaredLength > maxBytes) throw payloadTooLarge(`The request body is larger than ${maxBytes} bytes.`);
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes)
    throw payloadTooLarge(`The request body is larger than ${maxBytes} bytes.`);

  let value: unknown = undefined;
  if (text.trim().length === 0) {
    if (!options.optional) throw badRequest('A JSON request body is required.');
  } else {
    if (!jsonContentType.test(request.headers.get('content-type') ?? '')) {
      throw unsupportedMediaType('The request body must be application/json.');
    }
    try {
      value = JSON.parse(text);
    } catch {
      throw badRequest('The request body is not valid JSON.', { code: 'InvalidJson' });
    }
  }
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    throw badRequest('The request body is not valid.', {
      code: 'ValidationFailed',
      errors: fieldProblems(parsed.error),
    });
  }
  return parsed.data;
}
