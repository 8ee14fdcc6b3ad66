import { exampleValues } from './exampleValues';
import {
  addIdentityRequestSchema,
  communicationUserIdParamsSchema,
  subjectIdentitiesSchema,
  subjectIdentitySchema,
} from './identitySchemas';
import { defineOperation } from './operation';

/** A signed-in caller's own identities, and erasing the caller. */
export const identityOperations = {
  listMyIdentities: defineOperation({
    name: 'listMyIdentities',
    method: 'GET',
    route: 'me/identities',
    access: 'user',
    summary: 'The caller’s ACS identities.',
    response: { status: 200, description: 'The identities.', schema: subjectIdentitiesSchema },
    problems: [503],
  }),
  addMyIdentity: defineOperation({
    name: 'addMyIdentity',
    method: 'POST',
    route: 'me/identities',
    access: 'user',
    summary: 'Adds an identity for the caller (a per-subject cap applies).',
    body: addIdentityRequestSchema,
    bodyOptional: true,
    response: { status: 201, description: 'The new identity.', schema: subjectIdentitySchema },
    problems: [409, 503],
    budget: 'acs',
    examples: [
      {
        status: 400,
        code: 'ValidationFailed',
        summary: 'An empty label.',
        caller: 'user',
        body: { label: ' ' },
      },
      {
        status: 400,
        code: 'ValidationFailed',
        summary: 'A label with a bidi override, which would show another text than it holds.',
        caller: 'user',
        body: { label: 'invoice\u202Efdp.exe' },
      },
    ],
  }),
  removeMyIdentity: defineOperation({
    name: 'removeMyIdentity',
    method: 'DELETE',
    route: 'me/identities/{communicationUserId}',
    access: 'user',
    summary:
      'Unlinks an identity from the caller; deletes it in ACS when no subject is left on it (service identities are only unlinked).',
    params: communicationUserIdParamsSchema,
    response: { status: 204, description: 'Removed.' },
    problems: [404, 503],
    budget: 'acs',
    exampleParams: { communicationUserId: exampleValues.communicationUserId },
    examples: [
      {
        status: 400,
        code: 'ValidationFailed',
        summary: 'Not an ACS user id.',
        caller: 'user',
        params: { communicationUserId: 'not-an-acs-id' },
      },
      {
        status: 404,
        code: 'IdentityNotFound',
        summary: 'An identity the caller does not hold.',
        caller: 'user',
      },
    ],
  }),
  eraseMe: defineOperation({
    name: 'eraseMe',
    method: 'DELETE',
    route: 'me',
    access: 'user',
    summary: 'Erases the caller: every link, every identity left with no subject, every call and contact.',
    response: { status: 204, description: 'Erased.' },
    problems: [503],
    budget: 'acs',
  }),
};
