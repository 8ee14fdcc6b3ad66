import { z } from 'zod';

export const webAppSignInSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('entra'),
    clientId: z.string(),
    authority: z.string(),
    scopes: z.array(z.string()),
  }),
  z.object({ kind: z.literal('dev'), tokenPath: z.string() }),
  z.object({ kind: z.literal('none') }),
]);

export const webAppSettingsSchema = z.object({
  signIn: webAppSignInSchema.describe(
    '`entra`: sign in with MSAL; `dev`: the local dev issuer’s token route; `none`: sign-in is not set up.',
  ),
  media: z
    .enum(['acs', 'emulator'])
    .describe('`emulator`: ACS is the local emulator, which carries no audio or video.'),
});
