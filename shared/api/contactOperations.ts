import {
  acceptContactRequestSchema,
  contactListSchema,
  contactRequestResultSchema,
  contactRequestSchema,
  contactSchema,
  subjectContactListSchema,
} from './contactSchemas';
import { exampleValues } from './exampleValues';
import { subjectIdParamsSchema } from './identitySchemas';
import { defineOperation } from './operation';

const contactParams = { subjectId: exampleValues.subjectId };

/**
 * The caller's contacts (the friend list of 1:1 calls), and the admin view of a subject's. Contacts touch no
 * ACS resource (looking up a contact's identity never creates one), so they spend no ACS budget.
 */
export const contactOperations = {
  listMyContacts: defineOperation({
    name: 'listMyContacts',
    method: 'GET',
    route: 'me/contacts',
    access: 'user',
    summary: 'The caller’s mutual contacts (with their default identities), and the requests waiting.',
    response: { status: 200, description: 'The lists.', schema: contactListSchema },
    problems: [503],
  }),
  requestContact: defineOperation({
    name: 'requestContact',
    method: 'POST',
    route: 'me/contacts',
    access: 'user',
    summary:
      'Asks a subject to become a contact; if that subject asked the caller already, they are now mutual. The same answer whether or not the subject exists.',
    body: contactRequestSchema,
    response: { status: 202, description: 'Asked (or mutual).', schema: contactRequestResultSchema },
    problems: [409, 503],
    examples: [
      {
        status: 400,
        code: 'ValidationFailed',
        summary: 'No subject.',
        caller: 'user',
        body: { subjectId: '' },
      },
      {
        status: 400,
        code: 'ValidationFailed',
        summary: 'A display name with a bidi override, which would show another text than it holds.',
        caller: 'user',
        body: { subjectId: exampleValues.subjectId, displayName: 'Bob\u202Enimda' },
      },
      {
        status: 400,
        code: 'ValidationFailed',
        summary: 'A display name with a C1 control character.',
        caller: 'user',
        body: { subjectId: exampleValues.subjectId, displayName: 'Bob\u0085' },
      },
    ],
  }),
  acceptContact: defineOperation({
    name: 'acceptContact',
    method: 'PUT',
    route: 'me/contacts/{subjectId}',
    access: 'user',
    summary: 'Accepts the subject’s request: both are now mutual contacts. Idempotent.',
    params: subjectIdParamsSchema,
    body: acceptContactRequestSchema,
    bodyOptional: true,
    response: { status: 200, description: 'The new contact.', schema: contactSchema },
    problems: [404, 503],
    exampleParams: contactParams,
    examples: [
      {
        status: 404,
        code: 'ContactRequestNotFound',
        summary: 'No request from that subject is waiting.',
        caller: 'user',
      },
    ],
  }),
  removeContact: defineOperation({
    name: 'removeContact',
    method: 'DELETE',
    route: 'me/contacts/{subjectId}',
    access: 'user',
    summary:
      'Removes a contact (for both), withdraws the caller’s request, or declines the subject’s (the asker is not told). Idempotent.',
    params: subjectIdParamsSchema,
    response: { status: 204, description: 'Done.' },
    problems: [503],
    exampleParams: contactParams,
  }),
  manageListSubjectContacts: defineOperation({
    name: 'manageListSubjectContacts',
    method: 'GET',
    route: 'manage/subjects/{subjectId}/contacts',
    access: 'admin',
    summary: 'A subject’s contacts and requests, including those it declined, for support.',
    params: subjectIdParamsSchema,
    response: { status: 200, description: 'The lists.', schema: subjectContactListSchema },
    problems: [503],
    exampleParams: contactParams,
  }),
};
