import { createCallMedia, type CallMedia } from './callMedia';
import { createCallsPanel } from './callsPanel';
import { createContactsPanel } from './contactsPanel';
import { devSignIn, restoredDevSession } from './devSignIn';
import { byId } from './element';
import { startEntraSignIn } from './entraSignIn';
import { promptIncomingCall } from './incomingCallPrompt';
import { createJoinPanel } from './joinPanel';
import { createPageClient } from './pageClient';
import { clearProblem, showProblem } from './problemView';
import type { Session } from './session';
import { createTokenPanel } from './tokenPanel';
import { onClick, onSubmit, textOf } from './userAction';

const unauthorized =
  'The service no longer accepts your sign-in (401: it expired, or was revoked). Sign in again to go on.';

/**
 * The web app: sign in, then every flow of the service (token, contacts, calls, joining) against the service
 * that serves this page.
 */
async function main(): Promise<void> {
  let session: Session | undefined;
  let media: CallMedia | undefined;

  const client = createPageClient({
    bearer: async () => session?.bearer(),
    onUnauthorized: () => void signOut(unauthorized),
  });
  // A failure nobody awaited (a background token refresh) is shown too.
  window.addEventListener('unhandledrejection', (event) => {
    event.preventDefault();
    showProblem(event.reason);
  });

  const settings = await client.webAppSettings();
  const token = createTokenPanel(client);
  const join = createJoinPanel(() => media);
  const calls = createCallsPanel({
    client,
    session: () => session,
    onJoined: (joined) => join.showJoin(joined),
  });
  const contacts = createContactsPanel({
    client,
    session: () => session,
    onContacts: (list) => calls.setContacts(list),
    onCall: (contact) => join.showOneToOne(contact, token.latest()),
  });

  const showSignIn = (message?: string) => {
    byId('workspace').hidden = true;
    byId('who').hidden = true;
    byId('sign-in').hidden = false;
    byId('dev-sign-in').hidden = settings.signIn.kind !== 'dev';
    byId('entra-sign-in').hidden = settings.signIn.kind !== 'entra';
    byId('no-sign-in').hidden = settings.signIn.kind !== 'none';
    const note = byId('sign-in-message');
    note.textContent = message ?? '';
    note.hidden = message === undefined;
  };

  const enter = async (signedIn: Session) => {
    session = signedIn;
    clearProblem();
    byId('sign-in').hidden = true;
    byId('workspace').hidden = false;
    byId('who').hidden = false;
    byId('who-name').textContent = signedIn.displayName
      ? `${signedIn.displayName} (${signedIn.subjectId})`
      : signedIn.subjectId;
    const credential = token.start();
    if (settings.media === 'acs') {
      media = createCallMedia({
        credential,
        displayName: signedIn.displayName ?? signedIn.subjectId,
        onIncomingCall: (incoming) => promptIncomingCall(incoming, (call) => join.showAccepted(call)),
      });
    }
    try {
      await Promise.all([credential.getToken(), contacts.refresh(), calls.refresh(), media?.ready()]);
    } catch (error) {
      showProblem(error);
    }
  };

  async function signOut(message?: string): Promise<void> {
    const ending = session;
    if (!ending) return;
    session = undefined;
    const endingMedia = media;
    media = undefined;
    token.stop();
    contacts.clear();
    calls.clear();
    await Promise.allSettled([join.clear(), endingMedia?.dispose(), ending.end()]);
    showSignIn(message);
  }

  onClick(byId<HTMLButtonElement>('sign-out'), () => signOut());

  switch (settings.signIn.kind) {
    case 'dev': {
      const { tokenPath } = settings.signIn;
      onSubmit(byId<HTMLFormElement>('dev-sign-in'), async (data) => {
        const subjectId = textOf(data, 'subject');
        if (subjectId) await enter(await devSignIn(tokenPath, subjectId, textOf(data, 'name')));
      });
      const restored = restoredDevSession();
      if (restored) await enter(restored);
      else showSignIn();
      break;
    }
    case 'entra': {
      const entra = await startEntraSignIn(settings.signIn);
      onClick(byId<HTMLButtonElement>('entra-sign-in-button'), () => entra.signIn());
      if (entra.session) await enter(entra.session);
      else showSignIn();
      break;
    }
    case 'none':
      showSignIn();
      break;
  }
}

main()
  .catch(showProblem)
  .finally(() => {
    byId('loading').hidden = true;
  });
