import {
  callAutomationIntakeOperations,
  callAutomationManageOperations,
  callAutomationOperations,
} from './callAutomationOperations';
import { callOperations } from './callOperations';
import { contactOperations } from './contactOperations';
import { identityOperations } from './identityOperations';
import { manageOperations } from './manageOperations';
import type { Operation } from './operation';
import { serviceOperations } from './serviceOperations';
import { tokenOperations } from './tokenOperations';
import { webAppOperations } from './webAppOperations';

/** What the declarations depend on in the deployment's configuration. */
export interface ApiLimits {
  maxInvitees: number;
}

/** Every operation of the HTTP API, by name: the one list the functions and the OpenAPI document share. */
export function apiOperations(limits: ApiLimits) {
  return {
    ...serviceOperations,
    ...tokenOperations,
    ...identityOperations,
    ...contactOperations,
    ...manageOperations,
    ...callOperations(limits),
    ...callAutomationOperations,
    ...callAutomationManageOperations,
    ...callAutomationIntakeOperations,
    ...webAppOperations,
  };
}

export type ApiOperations = ReturnType<typeof apiOperations>;

export function operationList(operations: ApiOperations): Operation[] {
  return Object.values(operations) as Operation[];
}
