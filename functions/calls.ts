import { callAutomationOf } from './http/callAutomationOf';
import { operations } from './http/operations';
import { registerOperation } from './http/registerOperation';

// An outbound call is placed now, by Call Automation; every other kind is recorded (and its room made).
registerOperation(operations.createCall, ({ services, caller, body }) =>
  body.kind === 'outbound'
    ? callAutomationOf(services).service.placeCall(caller, { ...body, targets: body.targets ?? [] })
    : services.calls.create(caller, body),
);

registerOperation(operations.listCalls, ({ services, caller, query }) => services.calls.list(caller, query));

registerOperation(operations.getCall, ({ services, caller, params }) =>
  services.calls.get(caller, params.id),
);

registerOperation(operations.updateCall, ({ services, caller, params, body }) =>
  services.calls.update(caller, params.id, body),
);

registerOperation(operations.cancelCall, ({ services, caller, params }) =>
  services.calls.cancel(caller, params.id),
);

registerOperation(operations.inviteToCall, ({ services, caller, params, body }) =>
  services.calls.invite(caller, params.id, body.invitees),
);

registerOperation(operations.uninviteFromCall, ({ services, caller, params }) =>
  services.calls.uninvite(caller, params.id, params.subjectId),
);

registerOperation(operations.joinCall, ({ services, caller, params, body }) =>
  services.calls.join(caller, params.id, body.expiresInMinutes),
);
