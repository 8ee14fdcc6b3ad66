/** The service's tables; each name is prefixed so deployments or test runs can share an account. */
export const tableNames = [
  'Subjects',
  'Identities',
  'Audit',
  'RateLimits',
  'TokenCache',
  'Calls',
  'CallIndex',
  'CallAutomation',
  'CallConnectionIndex',
  'CallResultExpiry',
  'Prompts',
  'IncomingCallMenus',
  'Contacts',
] as const;
export type TableName = (typeof tableNames)[number];
