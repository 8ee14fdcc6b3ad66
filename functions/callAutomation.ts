import { callAutomationOf } from './http/callAutomationOf';
import { operations } from './http/operations';
import { registerOperation } from './http/registerOperation';
import { Reply } from './http/reply';

// The service on a call (organizer-scoped; see shared/callAutomation/callAutomationService.ts).

registerOperation(operations.connectCallAutomation, async ({ services, caller, params }) => {
  const { connection, created } = await callAutomationOf(services).service.connect(caller, params.id);
  return new Reply({ status: created ? 201 : 200, body: connection });
});

registerOperation(operations.getCallAutomation, ({ services, caller, params }) =>
  callAutomationOf(services).service.get(caller, params.id),
);

registerOperation(operations.hangUpCallAutomation, ({ services, caller, params, query }) =>
  callAutomationOf(services).service.hangUp(caller, params.id, query.forEveryone),
);

registerOperation(operations.addCallParticipant, ({ services, caller, params, body }) =>
  callAutomationOf(services).service.addParticipant(caller, params.id, body),
);

registerOperation(operations.removeCallParticipant, ({ services, caller, params }) =>
  callAutomationOf(services).service.removeParticipant(caller, params.id, params.participantId),
);

registerOperation(operations.playCallPrompt, ({ services, caller, params, body }) =>
  callAutomationOf(services).service.play(caller, params.id, body),
);

registerOperation(operations.recognizeCallInput, ({ services, caller, params, body }) =>
  callAutomationOf(services).service.recognize(caller, params.id, body),
);

registerOperation(operations.cancelCallMedia, ({ services, caller, params }) =>
  callAutomationOf(services).service.cancelMedia(caller, params.id),
);

registerOperation(operations.getCallOperation, ({ services, caller, params }) =>
  callAutomationOf(services).service.getOperation(caller, params.id, params.operationId),
);

// What ACS and Event Grid post (their tokens verified in registerOperation).

registerOperation(operations.receiveCallAutomationEvents, ({ services, params, body }) =>
  callAutomationOf(services).callbacks.receive(params.callId, params.bindingId, body),
);

registerOperation(operations.receiveIncomingCalls, ({ services, request, body }) =>
  callAutomationOf(services).incomingCalls.receive(request.headers.get('aeg-event-type'), body),
);

// The admin side: prompt catalog, menus, the resource's numbers.

registerOperation(operations.manageListPrompts, async ({ services }) => ({
  prompts: await callAutomationOf(services).prompts.list(),
}));

registerOperation(operations.managePutPrompt, ({ services, caller, params, body }) =>
  callAutomationOf(services).prompts.put(caller.subjectId, params.promptId, body),
);

registerOperation(operations.manageGetPrompt, ({ services, params }) =>
  callAutomationOf(services).prompts.get(params.promptId),
);

registerOperation(operations.manageDeletePrompt, ({ services, params }) =>
  callAutomationOf(services).prompts.remove(params.promptId),
);

registerOperation(operations.manageListPhoneNumbers, async ({ services }) => ({
  phoneNumbers: await callAutomationOf(services).phoneNumbers(),
}));

registerOperation(operations.manageListMenus, async ({ services }) => ({
  menus: await callAutomationOf(services).menus.list(),
}));

registerOperation(operations.managePutMenu, ({ services, caller, params, body }) =>
  callAutomationOf(services).menus.put(caller.subjectId, params.phoneNumber, body),
);

registerOperation(operations.manageGetMenu, ({ services, params }) =>
  callAutomationOf(services).menus.get(params.phoneNumber),
);

registerOperation(operations.manageDeleteMenu, ({ services, params }) =>
  callAutomationOf(services).menus.remove(params.phoneNumber),
);
