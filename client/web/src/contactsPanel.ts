import type { AcsTrustedClient, ContactList } from 'acs-trusted-client';
import { byId, element } from './element';
import { actionButton, fillList, listItem } from './listItems';
import type { Session } from './session';
import { onClick, onSubmit, textOf } from './userAction';

export type Contact = ContactList['contacts'][number];

export interface ContactsPanelOptions {
  client: AcsTrustedClient;
  session: () => Session | undefined;
  /** The mutual contacts changed: the calls panel offers them as invitees. */
  onContacts: (contacts: Contact[]) => void;
  /** The user wants a 1:1 call with a contact. */
  onCall: (contact: Contact) => Promise<void>;
}

export interface ContactsPanel {
  refresh(): Promise<void>;
  clear(): void;
}

/**
 * The friend list of the architecture: ask, accept, decline, remove; a mutual contact shows the ACS
 * identity a 1:1 call rings. The service answers a request alike whether or not the subject exists.
 */
export function createContactsPanel(options: ContactsPanelOptions): ContactsPanel {
  const { client } = options;
  const form = byId<HTMLFormElement>('contact-request');
  const nameField = byId<HTMLInputElement>('contact-name');
  const status = byId('contact-status');

  /** The name the user shows contacts: what they typed in the form, else the name they signed in with. */
  const shownName = () => nameField.value.trim() || options.session()?.displayName;

  const render = (lists: ContactList) => {
    const contacts = lists.contacts.map((contact) => {
      const label = contact.displayName ?? contact.subjectId;
      const call = actionButton('Call', `Call ${label}`);
      const remove = actionButton('Remove', `Remove ${label}`, true);
      call.disabled = contact.communicationUserId === null;
      onClick(call, () => options.onCall(contact));
      onClick(remove, async () => {
        await client.removeContact({ params: { subjectId: contact.subjectId } });
        await refresh();
      });
      return listItem(
        { 'data-subject-id': contact.subjectId },
        [
          element('strong', {}, label),
          contact.displayName !== undefined && element('span', { class: 'detail' }, contact.subjectId),
          element(
            'span',
            { class: 'detail' },
            contact.communicationUserId ?? 'No ACS identity yet: they have not had a token.',
          ),
        ],
        [call, remove],
      );
    });
    const incoming = lists.incoming.map(({ subjectId }) => {
      const accept = actionButton('Accept', `Accept ${subjectId}`);
      const decline = actionButton('Decline', `Decline ${subjectId}`, true);
      onClick(accept, async () => {
        const displayName = shownName();
        await client.acceptContact({ params: { subjectId }, body: displayName ? { displayName } : {} });
        await refresh();
      });
      onClick(decline, async () => {
        await client.removeContact({ params: { subjectId } });
        await refresh();
      });
      return listItem(
        { 'data-subject-id': subjectId },
        [element('strong', {}, subjectId)],
        [accept, decline],
      );
    });
    const outgoing = lists.outgoing.map(({ subjectId }) => {
      const withdraw = actionButton('Withdraw', `Withdraw the request to ${subjectId}`, true);
      onClick(withdraw, async () => {
        await client.removeContact({ params: { subjectId } });
        await refresh();
      });
      return listItem(
        { 'data-subject-id': subjectId },
        [element('strong', {}, subjectId), element('span', { class: 'detail' }, 'Waiting for an answer')],
        [withdraw],
      );
    });
    fillList(byId('contact-list'), contacts, 'No contacts yet: ask someone by their subject id.');
    fillList(byId('incoming-list'), incoming, 'No requests.');
    fillList(byId('outgoing-list'), outgoing, 'None waiting.');
    options.onContacts(lists.contacts);
  };

  const refresh = async () => render(await client.listMyContacts());

  onSubmit(form, async (data) => {
    const subjectId = textOf(data, 'subjectId');
    if (!subjectId) return;
    const displayName = shownName();
    const result = await client.requestContact({
      body: { subjectId, ...(displayName ? { displayName } : {}) },
    });
    status.textContent =
      result.state === 'mutual'
        ? `${subjectId} had asked you too: you are contacts now.`
        : `Asked ${subjectId}. They appear under your contacts once they accept.`;
    byId<HTMLInputElement>('contact-subject').value = '';
    await refresh();
  });
  onClick(byId<HTMLButtonElement>('contacts-refresh'), refresh);

  return {
    refresh,
    clear() {
      for (const id of ['contact-list', 'incoming-list', 'outgoing-list']) byId(id).replaceChildren();
      status.textContent = '';
      nameField.value = '';
    },
  };
}
