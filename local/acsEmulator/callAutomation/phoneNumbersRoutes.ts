import { z } from 'zod';
import { AcsError, badRequest } from '../acsError';
import type { Route } from '../route';
import type { OwnedPhoneNumbers } from './ownedPhoneNumbers';

/** What @azure/communication-phone-numbers 1.5.0 sends. */
export const phoneNumbersApiVersions = ['2025-06-01'] as const;

const pageSchema = z.object({
  skip: z.coerce.number().int().min(0).default(0),
  top: z.coerce.number().int().min(1).max(100).default(100),
});

/** The PhoneNumbers routes the service reads: list the resource's numbers (paged) and get one. */
export function phoneNumbersRoutes(numbers: OwnedPhoneNumbers): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/phoneNumbers$/,
      operation: 'listPhoneNumbers',
      kind: 'acs',
      apiVersions: phoneNumbersApiVersions,
      handle: async ({ query, baseUrl }) => {
        const parsed = pageSchema.safeParse({
          skip: query.get('skip') ?? undefined,
          top: query.get('top') ?? undefined,
        });
        if (!parsed.success) throw badRequest('skip must be 0 or more and top 1..100.', 'InvalidParameter');
        const { skip, top } = parsed.data;
        const all = numbers.list();
        const page = all.slice(skip, skip + top);
        const rest = skip + top < all.length;
        const nextLink = `${baseUrl}phoneNumbers?skip=${skip + top}&top=${top}&api-version=${phoneNumbersApiVersions[0]}`;
        return { status: 200, body: { phoneNumbers: page, ...(rest ? { nextLink } : {}) } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/phoneNumbers\/(?<phoneNumber>[^/]+)$/,
      operation: 'getPhoneNumber',
      kind: 'acs',
      apiVersions: phoneNumbersApiVersions,
      handle: async ({ params }) => {
        const number = numbers.get(params['phoneNumber'] ?? '');
        if (!number)
          throw new AcsError(404, 'PhoneNumberNotFound', 'The phone number is not owned by this resource.');
        return { status: 200, body: number };
      },
    },
  ];
}
