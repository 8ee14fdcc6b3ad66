import type { ApiOperation } from './apiOperation';
import { callOperations } from './callOperations';
import { identityOperations } from './identityOperations';

/** Every operation of the API, as the OpenAPI document lists them. */
export const apiOperations: ApiOperation[] = [...identityOperations, ...callOperations];
