import type { FloorName } from '../scenarios/scenario';

/** How each floor reads in tables and in the README. */
export const floorLabels: Record<FloorName, string> = {
  bareHttp: 'bare node:http',
  tableRead: 'table point read',
  tableInsert: 'table insert',
  partitionQuery50: 'partition query (50 rows)',
  acsGetToken: 'ACS getToken',
  acsCreateUserAndToken: 'ACS createUserAndToken',
};
