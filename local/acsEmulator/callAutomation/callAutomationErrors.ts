import { AcsError } from '../acsError';

/**
 * Call Automation answers errors with the ACS sub-code as the error code (`{"error":{"code":"8522",
 * "message":"Call not found."}}`), the same codes its troubleshooting table lists.
 */
export const callNotFound = (callConnectionId: string) =>
  new AcsError(404, '8522', `Call connection ${callConnectionId} not found.`);

export const notFoundThere = (message: string) => new AcsError(404, '8522', message);

export const invalidRequest = (message: string) => new AcsError(400, '8523', `Invalid request: ${message}`);

export const callNotEstablished = () =>
  new AcsError(400, '8501', 'Action is not valid when the call is not established.');

export const insufficientPermissions = (message: string) => new AcsError(403, '7504', message);

export const conflict = (message: string) => new AcsError(409, '8519', message);
