import type { WebAppSettings } from './webAppSettings';
import type { Session } from './session';

type EntraSettings = Extract<WebAppSettings['signIn'], { kind: 'entra' }>;

export interface EntraSignIn {
  /** The account MSAL holds for this tab (after coming back from Entra, or from its cache), if any. */
  session: Session | undefined;
  /** Leaves for Entra's sign-in page; MSAL brings the user back here. */
  signIn(): Promise<void>;
}

/** Where Entra sends the user back: this page. Register it as a single-page application redirect URI. */
function pageUrl(): string {
  return `${location.origin}${location.pathname}`;
}

/**
 * Sign-in with Microsoft Entra ID through MSAL (redirect flow), loaded only when the deployment uses it. The
 * service's subject is the user's object id (`AUTH_SUBJECT_CLAIM=oid`, as the Bicep sets it).
 */
export async function startEntraSignIn(settings: EntraSettings): Promise<EntraSignIn> {
  const msal = await import('@azure/msal-browser');
  const app = await msal.createStandardPublicClientApplication({
    auth: { clientId: settings.clientId, authority: settings.authority, redirectUri: pageUrl() },
    cache: { cacheLocation: 'sessionStorage' },
  });
  const redirected = await app.handleRedirectPromise();
  const account = redirected?.account ?? app.getActiveAccount() ?? app.getAllAccounts()[0];
  const scopes = settings.scopes;
  const signIn = () => app.loginRedirect({ scopes });
  if (!account) return { session: undefined, signIn };
  app.setActiveAccount(account);
  return {
    signIn,
    session: {
      subjectId: account.localAccountId,
      displayName: account.name ?? account.username,
      async bearer() {
        try {
          return (await app.acquireTokenSilent({ scopes, account })).accessToken;
        } catch (error) {
          // Consent or a fresh sign-in is needed: that takes a trip to Entra, which comes back to this page.
          if (error instanceof msal.InteractionRequiredAuthError)
            await app.acquireTokenRedirect({ scopes, account });
          throw error;
        }
      },
      end: () => app.clearCache({ account }),
    },
  };
}
