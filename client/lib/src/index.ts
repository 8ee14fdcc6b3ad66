import type { OperationResult } from './operationTypes.js';

export {
  AcsTrustedServiceError,
  isAcsTrustedServiceError,
  type FieldProblem,
} from './acsTrustedServiceError.js';
export {
  createAcsTrustedClient,
  type AcsTrustedClient,
  type AcsTrustedClientOptions,
  type RetryOptions,
} from './createAcsTrustedClient.js';
export { createTokenCredential, type TokenCredentialOptions } from './createTokenCredential.js';
export { operationTable } from './generated/operationTable.js';
export type { components, operations, paths } from './generated/openapi.js';
export type {
  OperationBody,
  OperationInput,
  OperationMethod,
  OperationName,
  OperationPathParams,
  OperationQuery,
  OperationResult,
} from './operationTypes.js';

/** What the service answers, by the names an app uses. */
export type IssuedToken = OperationResult<'issueToken'>;
export type Call = OperationResult<'getCall'>;
export type CallJoin = OperationResult<'joinCall'>;
export type ContactList = OperationResult<'listMyContacts'>;
export type Identity = OperationResult<'listMyIdentities'>['identities'][number];
