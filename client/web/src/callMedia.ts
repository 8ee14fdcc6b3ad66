import type { Call, CallAgent, IncomingCall } from '@azure/communication-calling';
import type { CommunicationTokenCredential } from '@azure/communication-common';
import type { CallTarget } from './callTarget';

export interface CallMediaOptions {
  credential: CommunicationTokenCredential;
  displayName: string | undefined;
  /** Someone rings this user's identity (a 1:1 call from a contact): only while the page is open. */
  onIncomingCall: (incoming: IncomingCall) => void;
}

export interface CallMedia {
  /** Makes the call agent now, so that the user can be rung. */
  ready(): Promise<void>;
  enter(target: CallTarget): Promise<Call>;
  dispose(): Promise<void>;
}

/**
 * Audio and video through the ACS Calling SDK, with a real ACS resource. The SDK (about 7 MB) is loaded on
 * first use; one call agent per signed-in user, fed by the credential the service refreshes.
 */
export function createCallMedia(options: CallMediaOptions): CallMedia {
  let agent: Promise<CallAgent> | undefined;
  const agentOnce = () =>
    (agent ??= (async () => {
      const { CallClient } = await import('@azure/communication-calling');
      const created = await new CallClient().createCallAgent(options.credential, {
        ...(options.displayName ? { displayName: options.displayName.slice(0, 256) } : {}),
      });
      created.on('incomingCall', ({ incomingCall }) => options.onIncomingCall(incomingCall));
      return created;
    })());

  return {
    async ready() {
      await agentOnce();
    },
    async enter(target) {
      const callAgent = await agentOnce();
      switch (target.kind) {
        case 'group':
          return callAgent.join({ groupId: target.groupId });
        case 'room':
          return callAgent.join({ roomId: target.roomId });
        case 'teams':
          return callAgent.join({ meetingLink: target.meetingLink });
        case 'oneToOne':
          return callAgent.startCall([{ communicationUserId: target.communicationUserId }]);
      }
    },
    async dispose() {
      const created = agent;
      agent = undefined;
      if (created) await (await created).dispose();
    },
  };
}
