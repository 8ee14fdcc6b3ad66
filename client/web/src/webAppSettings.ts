import type { OperationResult } from 'acs-trusted-client';

/** What the deployment tells the page (`GET /api/app/settings.json`): how to sign in, whether media can flow. */
export type WebAppSettings = OperationResult<'webAppSettings'>;
