import type { AcsTrustedClient, Call, CallJoin, OperationBody } from 'acs-trusted-client';
import type { Contact } from './contactsPanel';
import { byId, element } from './element';
import { actionButton, fillList, listItem } from './listItems';
import type { Session } from './session';
import { timeElement } from './timeText';
import { onClick, onSubmit, textOf } from './userAction';

type CallRequest = NonNullable<OperationBody<'createCall'>>;

export interface CallsPanelOptions {
  client: AcsTrustedClient;
  session: () => Session | undefined;
  /** The service answered a join: the call, and the identity and token to enter it with. */
  onJoined: (joined: CallJoin) => Promise<void>;
}

export interface CallsPanel {
  refresh(): Promise<void>;
  /** The mutual contacts, offered as invitees. */
  setContacts(contacts: Contact[]): void;
  clear(): void;
}

const kindNames: Record<Call['kind'], string> = {
  group: 'group call',
  room: 'room',
  teams: 'Teams meeting',
  outbound: 'outbound call',
};

function nameOf(contact: Contact): string {
  return contact.displayName ?? contact.subjectId;
}

/**
 * Calls the user organizes or is invited to: create one (group, Room or Teams link) inviting contacts,
 * invite more, list them, and join one as the service allows (organizer or invitee).
 */
export function createCallsPanel(options: CallsPanelOptions): CallsPanel {
  const { client } = options;
  const form = byId<HTMLFormElement>('call-create');
  const kind = byId<HTMLSelectElement>('call-kind');
  const teamsLink = byId<HTMLInputElement>('call-teams-link');
  const inviteeBox = byId<HTMLFieldSetElement>('call-invitees');
  let contacts: Contact[] = [];
  let calls: Call[] = [];

  const showKindFields = () => {
    const teams = kind.value === 'teams';
    byId('call-teams').hidden = !teams;
    teamsLink.required = teams;
  };
  kind.addEventListener('change', showKindFields);
  showKindFields();

  const join = async (call: Call) => {
    await options.onJoined(await client.joinCall({ params: { id: call.id }, body: {} }));
  };

  const inviteControls = (call: Call): HTMLElement[] => {
    const invited = new Set(call.invitees.map((invitee) => invitee.subjectId));
    const candidates = contacts.filter((contact) => !invited.has(contact.subjectId));
    if (candidates.length === 0) return [];
    const selectId = `invite-${call.id}`;
    const select = element(
      'select',
      { id: selectId },
      ...candidates.map((contact) => element('option', { value: contact.subjectId }, nameOf(contact))),
    );
    const invite = actionButton('Invite', `Invite the chosen contact to ${call.title}`, true);
    onClick(invite, async () => {
      await client.inviteToCall({ params: { id: call.id }, body: { invitees: [select.value] } });
      await refresh();
    });
    return [element('label', { for: selectId, class: 'optional' }, 'Invite'), select, invite];
  };

  const render = () => {
    const subjectId = options.session()?.subjectId;
    const items = calls.map((call) => {
      const mine = call.organizer === subjectId;
      const actions: HTMLElement[] = [];
      if (call.kind !== 'outbound' && call.status !== 'cancelled') {
        const joinButton = actionButton('Join', `Join ${call.title}`);
        onClick(joinButton, () => join(call));
        actions.push(joinButton);
      }
      if (mine && call.status !== 'cancelled') actions.push(...inviteControls(call));
      const invitees = call.invitees.map((invitee) => invitee.subjectId).join(', ') || 'nobody yet';
      return listItem(
        { 'data-call-id': call.id, 'data-kind': call.kind },
        [
          element('strong', {}, call.title),
          element('span', { class: 'badge' }, kindNames[call.kind]),
          element(
            'span',
            { class: 'detail' },
            mine ? 'You organize it' : `Organized by ${call.organizer}`,
            call.startsAt ? ' · starts ' : '',
            call.startsAt ? timeElement(call.startsAt) : '',
            ` · ${call.status}`,
          ),
          element('span', { class: 'detail' }, `Invited: ${invitees}`),
        ],
        actions,
      );
    });
    fillList(byId('call-list'), items, 'No calls yet: create one, or wait for an invitation.');
  };

  const refresh = async () => {
    calls = (await client.listCalls()).calls;
    render();
  };

  const renderInvitees = () => {
    const chosen = new Set(
      [...inviteeBox.querySelectorAll<HTMLInputElement>('input:checked')].map((input) => input.value),
    );
    const boxes = contacts.map((contact, index) =>
      element(
        'label',
        {},
        element('input', {
          type: 'checkbox',
          name: 'invitee',
          value: contact.subjectId,
          id: `invitee-${index}`,
          checked: chosen.has(contact.subjectId),
        }),
        nameOf(contact),
      ),
    );
    inviteeBox.replaceChildren(
      element('legend', {}, 'Invite contacts'),
      ...(boxes.length > 0 ? boxes : [element('p', { class: 'hint' }, 'No contacts yet.')]),
    );
  };

  onSubmit(form, async (data) => {
    const request: CallRequest = {
      kind: kind.value as 'group' | 'room' | 'teams',
      title: textOf(data, 'title') ?? '',
      invitees: data.getAll('invitee').map(String),
    };
    const link = textOf(data, 'teamsMeetingLink');
    if (request.kind === 'teams' && link) request.teamsMeetingLink = link;
    await client.createCall({ body: request });
    form.reset();
    showKindFields();
    await refresh();
  });
  onClick(byId<HTMLButtonElement>('calls-refresh'), refresh);

  return {
    refresh,
    setContacts(next) {
      contacts = next;
      renderInvitees();
      render();
    },
    clear() {
      contacts = [];
      calls = [];
      renderInvitees();
      byId('call-list').replaceChildren();
    },
  };
}
