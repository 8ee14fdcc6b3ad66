import { apiOperations } from '../../shared/api/apiOperations';
import { currentConfig } from './currentServices';

/** The API's operations, declared once (shared/api) and shaped by this deployment's limits. */
export const operations = apiOperations({ maxInvitees: currentConfig().calls.maxInvitees });
