import { operations } from './http/operations';
import { registerOperation } from './http/registerOperation';

registerOperation(operations.listMyIdentities, async ({ services, caller }) => ({
  identities: await services.identities.listForSubject(caller.subjectId),
}));

registerOperation(operations.addMyIdentity, ({ services, caller, body }) =>
  services.identities.addIdentity(caller.subjectId, body.label ?? 'extra'),
);

registerOperation(operations.removeMyIdentity, ({ services, caller, params }) =>
  services.identities.removeIdentity(caller.subjectId, params.communicationUserId),
);

registerOperation(operations.eraseMe, ({ services, caller }) =>
  services.erasure.eraseSubject(caller.subjectId),
);
