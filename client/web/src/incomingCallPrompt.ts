import type { Call, IncomingCall } from '@azure/communication-calling';
import { byId } from './element';
import { showProblem } from './problemView';

function callerOf(incoming: IncomingCall): string {
  const identifier = incoming.callerInfo.identifier;
  if (incoming.callerInfo.displayName) return incoming.callerInfo.displayName;
  return identifier && 'communicationUserId' in identifier ? identifier.communicationUserId : 'someone';
}

/** Asks whether to take a call ringing this user (one at a time: a newer one replaces the prompt). */
export function promptIncomingCall(incoming: IncomingCall, onAccepted: (call: Call) => void): void {
  const box = byId('incoming-call');
  const accept = byId<HTMLButtonElement>('incoming-call-accept');
  const decline = byId<HTMLButtonElement>('incoming-call-decline');
  byId('incoming-call-from').textContent = `From ${callerOf(incoming)}`;
  box.hidden = false;
  const answer = (how: () => Promise<void>) => () => {
    box.hidden = true;
    how().catch(showProblem);
  };
  // Assigned, not added: the buttons answer only the latest call.
  accept.onclick = answer(async () => onAccepted(await incoming.accept()));
  decline.onclick = answer(() => incoming.reject());
  incoming.on('callEnded', () => {
    box.hidden = true;
  });
}
