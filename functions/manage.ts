import { operations } from './http/operations';
import { registerOperation } from './http/registerOperation';

registerOperation(operations.manageCreateIdentity, ({ services, caller, body }) =>
  services.identities.createServiceIdentity(caller.subjectId, body.subjects, body.label ?? 'service'),
);

registerOperation(operations.manageGetIdentity, ({ services, params }) =>
  services.identities.getIdentity(params.communicationUserId),
);

registerOperation(operations.manageDeleteIdentity, ({ services, caller, params }) =>
  services.identities.deleteIdentity(caller.subjectId, params.communicationUserId),
);

registerOperation(operations.manageLinkSubject, ({ services, caller, params }) =>
  services.identities.link({ actor: caller.subjectId, ...params }),
);

registerOperation(operations.manageUnlinkSubject, ({ services, caller, params }) =>
  services.identities.unlink({ actor: caller.subjectId, ...params }),
);

registerOperation(operations.manageListSubjectIdentities, async ({ services, params }) => ({
  identities: await services.identities.listForSubject(params.subjectId),
}));

registerOperation(operations.manageIssueToken, ({ services, caller, params, body }) =>
  services.tokens.issueForIdentity(caller, { communicationUserId: params.communicationUserId, ...body }),
);

registerOperation(operations.manageRevokeTokens, ({ services, caller, params }) =>
  services.tokens.revokeForIdentity(caller, params.communicationUserId),
);

registerOperation(operations.manageAudit, ({ services, query }) => services.audit.list(query));

registerOperation(operations.manageMetrics, async ({ services }) => ({
  tokens: services.tokenMetrics.snapshot(),
}));
