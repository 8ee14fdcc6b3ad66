import type { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { createTokenCredential, type AcsTrustedClient, type IssuedToken } from 'acs-trusted-client';
import { byId, element } from './element';
import { timeElement } from './timeText';

/** What this page does with ACS: calls. An hour, so that a refresh shows up within one. */
const tokenRequest = { scopes: ['voip' as const], expiresInMinutes: 60 };

export interface TokenPanel {
  /** A credential for the Calling SDK, fed by the service; it refreshes itself before each token expires. */
  start(): AzureCommunicationTokenCredential;
  /** The last token the service issued to this page. */
  latest(): IssuedToken | undefined;
  stop(): void;
}

/** The tail of a token's signature: enough to tell two tokens apart on screen, nothing to use. */
function tailOf(token: string): string {
  return token.slice(-8);
}

export function createTokenPanel(client: AcsTrustedClient): TokenPanel {
  const history = byId<HTMLOListElement>('token-history');
  let credential: AzureCommunicationTokenCredential | undefined;
  let latest: IssuedToken | undefined;

  const show = (issued: IssuedToken) => {
    latest = issued;
    byId('token-identity').textContent = issued.communicationUserId;
    byId('token-scopes').textContent = issued.scopes.join(', ');
    byId('token-expires').replaceChildren(timeElement(issued.expiresOn, { relative: true }));
    history.append(
      element(
        'li',
        { 'data-expires-on': issued.expiresOn, 'data-token-tail': tailOf(issued.token) },
        element('span', {}, 'Issued ', timeElement(new Date().toISOString())),
        element('span', {}, 'expires ', timeElement(issued.expiresOn)),
        element('code', { title: 'The last characters of the token' }, `…${tailOf(issued.token)}`),
      ),
    );
  };

  return {
    start() {
      history.replaceChildren();
      credential = createTokenCredential(client, { ...tokenRequest, onToken: show });
      return credential;
    },
    latest: () => latest,
    stop() {
      credential?.dispose();
      credential = undefined;
      latest = undefined;
      history.replaceChildren();
      for (const id of ['token-identity', 'token-scopes', 'token-expires']) byId(id).textContent = '…';
    },
  };
}
