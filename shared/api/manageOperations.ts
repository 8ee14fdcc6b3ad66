import { auditPageSchema, auditQuerySchema } from './auditSchemas';
import { exampleValues } from './exampleValues';
import {
  communicationUserIdParamsSchema,
  createServiceIdentityRequestSchema,
  identityRecordSchema,
  linkParamsSchema,
  subjectIdentitiesSchema,
  subjectIdParamsSchema,
} from './identitySchemas';
import { metricsSchema } from './metricsSchemas';
import { defineOperation } from './operation';
import { adminTokenRequestSchema, issuedTokenSchema } from './tokenSchemas';

const identityParams = { communicationUserId: exampleValues.communicationUserId };
const linkParams = { ...identityParams, subjectId: exampleValues.subjectId };
const unknownIdentity = {
  status: 404,
  code: 'IdentityNotFound',
  summary: 'An identity the service does not know.',
  caller: 'admin',
} as const;

/**
 * The admin API, under `manage/`: the Functions host reserves every route that starts with `admin` (or
 * `runtime`) for its own management API and refuses such functions.
 */
export const manageOperations = {
  manageCreateIdentity: defineOperation({
    name: 'manageCreateIdentity',
    method: 'POST',
    route: 'manage/identities',
    access: 'admin',
    summary: 'Creates a service or bot identity linked to the given subjects.',
    body: createServiceIdentityRequestSchema,
    response: { status: 201, description: 'The identity.', schema: identityRecordSchema },
    problems: [503],
    budget: 'acs',
    examples: [
      {
        status: 400,
        code: 'ValidationFailed',
        summary: 'Subjects must be a list.',
        caller: 'admin',
        body: { subjects: 'alice' },
      },
    ],
  }),
  manageGetIdentity: defineOperation({
    name: 'manageGetIdentity',
    method: 'GET',
    route: 'manage/identities/{communicationUserId}',
    access: 'admin',
    summary: 'An identity and the subjects linked to it.',
    params: communicationUserIdParamsSchema,
    response: { status: 200, description: 'The identity.', schema: identityRecordSchema },
    problems: [404, 503],
    exampleParams: identityParams,
    examples: [unknownIdentity],
  }),
  manageDeleteIdentity: defineOperation({
    name: 'manageDeleteIdentity',
    method: 'DELETE',
    route: 'manage/identities/{communicationUserId}',
    access: 'admin',
    summary: 'Deletes an identity in ACS (revoking its tokens) and every link to it.',
    params: communicationUserIdParamsSchema,
    response: { status: 204, description: 'Deleted.' },
    problems: [404, 503],
    budget: 'acs',
    exampleParams: identityParams,
    examples: [unknownIdentity],
  }),
  manageLinkSubject: defineOperation({
    name: 'manageLinkSubject',
    method: 'PUT',
    route: 'manage/identities/{communicationUserId}/subjects/{subjectId}',
    access: 'admin',
    summary: 'Links a subject to an identity.',
    params: linkParamsSchema,
    response: { status: 204, description: 'Linked.' },
    problems: [404, 503],
    exampleParams: linkParams,
    examples: [unknownIdentity],
  }),
  manageUnlinkSubject: defineOperation({
    name: 'manageUnlinkSubject',
    method: 'DELETE',
    route: 'manage/identities/{communicationUserId}/subjects/{subjectId}',
    access: 'admin',
    summary: 'Unlinks a subject from an identity.',
    params: linkParamsSchema,
    response: { status: 204, description: 'Unlinked.' },
    problems: [404, 503],
    exampleParams: linkParams,
    examples: [unknownIdentity],
  }),
  manageListSubjectIdentities: defineOperation({
    name: 'manageListSubjectIdentities',
    method: 'GET',
    route: 'manage/subjects/{subjectId}/identities',
    access: 'admin',
    summary: 'The identities linked to a subject.',
    params: subjectIdParamsSchema,
    response: { status: 200, description: 'The identities.', schema: subjectIdentitiesSchema },
    problems: [503],
    exampleParams: { subjectId: exampleValues.subjectId },
  }),
  manageIssueToken: defineOperation({
    name: 'manageIssueToken',
    method: 'POST',
    route: 'manage/identities/{communicationUserId}/token',
    access: 'admin',
    summary: 'A token for a service or bot identity.',
    params: communicationUserIdParamsSchema,
    body: adminTokenRequestSchema,
    response: { status: 200, description: 'The token.', schema: issuedTokenSchema },
    problems: [403, 404, 503],
    budget: 'tokens',
    exampleParams: identityParams,
    examples: [{ ...unknownIdentity, body: { scopes: ['voip'] } }],
  }),
  manageRevokeTokens: defineOperation({
    name: 'manageRevokeTokens',
    method: 'POST',
    route: 'manage/identities/{communicationUserId}/revoke',
    access: 'admin',
    summary: 'Revokes every token of an identity.',
    params: communicationUserIdParamsSchema,
    response: { status: 204, description: 'Revoked.' },
    problems: [404, 503],
    budget: 'acs',
    exampleParams: identityParams,
    examples: [unknownIdentity],
  }),
  manageAudit: defineOperation({
    name: 'manageAudit',
    method: 'GET',
    route: 'manage/audit',
    access: 'admin',
    summary: 'The audit trail of one subject or one identity, newest first, paged.',
    query: auditQuerySchema,
    response: { status: 200, description: 'A page of entries.', schema: auditPageSchema },
    problems: [503],
    examples: [
      {
        status: 400,
        code: 'ValidationFailed',
        summary: 'Both filters at once.',
        caller: 'admin',
        query: { subjectId: 'a', communicationUserId: exampleValues.communicationUserId },
      },
      {
        status: 400,
        code: 'InvalidContinuationToken',
        summary: 'A continuation token the service did not make.',
        caller: 'admin',
        query: { subjectId: 'a', continuationToken: 'bm90LWEtdG9rZW4' },
      },
    ],
  }),
  manageMetrics: defineOperation({
    name: 'manageMetrics',
    method: 'GET',
    route: 'manage/metrics',
    access: 'admin',
    summary: 'Counters of the instance that answers: token cache hits and misses, ACS issues, refusals.',
    response: {
      status: 200,
      description: 'This instance’s counters since it started.',
      schema: metricsSchema,
    },
  }),
};
