import { z } from 'zod';

/**
 * An ACS user id: `8:acs:<resource>_<suffix>`, with other clouds' prefixes (`8:gcch-acs:`,
 * `8:dod-acs:`) allowed too. Checked before an id from a URL or body goes anywhere near storage or ACS.
 */
export const communicationUserIdSchema = z
  .string()
  .max(256)
  .regex(
    /^8:(?:acs|gcch-acs|dod-acs|spool):[A-Za-z0-9_.-]{1,220}$/,
    'must be an ACS communication user id (8:acs:...)',
  );
