import type { Call as MediaCall } from '@azure/communication-calling';
import type { CallJoin, IssuedToken } from 'acs-trusted-client';
import type { CallMedia } from './callMedia';
import { describeTarget, targetOfCall, type CallTarget } from './callTarget';
import type { Contact } from './contactsPanel';
import { byId, element } from './element';
import { timeElement } from './timeText';
import { onClick } from './userAction';

export interface JoinPanel {
  /** The service's answer to a join: the call, the identity, a token and its scopes. */
  showJoin(joined: CallJoin): Promise<void>;
  /** A 1:1 call to a contact: no call on the service, the callee's identity from the contact list. */
  showOneToOne(contact: Contact, token: IssuedToken | undefined): Promise<void>;
  /** An incoming call the user accepted. */
  showAccepted(call: MediaCall): void;
  clear(): Promise<void>;
}

interface Shown {
  title: string;
  target: CallTarget;
  identity: string | undefined;
  scopes: readonly string[] | undefined;
  expiresOn: string | undefined;
  extra?: Array<[string, Node | string]>;
}

/**
 * Entering a call. With a real ACS resource the Calling SDK enters it; on the local emulator, which carries no
 * audio or video, the page says so and shows what it would enter, with which identity and token.
 */
export function createJoinPanel(media: () => CallMedia | undefined): JoinPanel {
  const panel = byId('join');
  const notice = byId('join-media');
  const details = byId('join-details');
  const hangUp = byId<HTMLButtonElement>('hang-up');
  let current: MediaCall | undefined;

  const follow = (call: MediaCall) => {
    current = call;
    const showState = () => {
      notice.textContent = `Call state: ${call.state}`;
      hangUp.hidden = call.state === 'Disconnected';
    };
    call.on('stateChanged', showState);
    showState();
  };

  const show = async (shown: Shown) => {
    await leave();
    const target = describeTarget(shown.target);
    const facts: Array<[string, Node | string]> = [
      ['Call', shown.title],
      [target.name, element('code', {}, target.value)],
      ...(shown.extra ?? []),
      ['Your identity', element('code', {}, shown.identity ?? 'not issued yet')],
      ['Token scopes', shown.scopes?.join(', ') ?? 'not issued yet'],
      [
        'Token expires',
        shown.expiresOn ? timeElement(shown.expiresOn, { relative: true }) : 'not issued yet',
      ],
    ];
    details.replaceChildren(
      ...facts.flatMap(([name, value]) => [element('dt', {}, name), element('dd', {}, value)]),
    );
    byId('join-title').textContent = `Joining: ${shown.title}`;
    panel.hidden = false;
    const calling = media();
    if (!calling) {
      notice.replaceChildren(
        element('strong', {}, 'Media needs a real ACS resource. '),
        'This service runs against the local ACS emulator, which carries no audio or video, so the page does not ' +
          'start the call. With a real resource it would run ',
        element('code', {}, target.sdkCall),
        ' with a call agent made from the credential above.',
      );
      panel.scrollIntoView({ block: 'nearest' });
      return;
    }
    notice.textContent = 'Connecting…';
    follow(await calling.enter(shown.target));
  };

  const leave = async () => {
    const call = current;
    current = undefined;
    hangUp.hidden = true;
    if (call && call.state !== 'Disconnected') await call.hangUp();
  };
  onClick(hangUp, leave);

  return {
    async showJoin(joined) {
      const target = targetOfCall(joined.call);
      if (!target) throw new Error(`A ${joined.call.kind} call is not one the page can enter.`);
      await show({
        title: joined.call.title,
        target,
        identity: joined.communicationUserId,
        scopes: joined.scopes,
        expiresOn: joined.expiresOn,
        extra: [['Organizer', joined.call.organizer]],
      });
    },
    async showOneToOne(contact, token) {
      if (contact.communicationUserId === null)
        throw new Error(`${contact.subjectId} has no ACS identity yet.`);
      await show({
        title: `1:1 with ${contact.displayName ?? contact.subjectId}`,
        target: { kind: 'oneToOne', communicationUserId: contact.communicationUserId },
        identity: token?.communicationUserId,
        scopes: token?.scopes,
        expiresOn: token?.expiresOn,
      });
    },
    showAccepted(call) {
      byId('join-title').textContent = 'In a call';
      details.replaceChildren();
      panel.hidden = false;
      follow(call);
    },
    async clear() {
      await leave();
      panel.hidden = true;
      details.replaceChildren();
    },
  };
}
