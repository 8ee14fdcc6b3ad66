import { operations } from './http/operations';
import { registerOperation } from './http/registerOperation';

registerOperation(operations.listMyContacts, ({ services, caller }) =>
  services.contacts.list(caller.subjectId),
);

registerOperation(operations.requestContact, ({ services, caller, body }) =>
  services.contacts.request(caller.subjectId, body.subjectId, body.displayName),
);

registerOperation(operations.acceptContact, ({ services, caller, params, body }) =>
  services.contacts.accept(caller.subjectId, params.subjectId, body.displayName),
);

registerOperation(operations.removeContact, ({ services, caller, params }) =>
  services.contacts.remove(caller.subjectId, params.subjectId),
);

registerOperation(operations.manageListSubjectContacts, ({ services, params }) =>
  services.contacts.listForSupport(params.subjectId),
);
