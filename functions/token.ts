import { operations } from './http/operations';
import { registerOperation } from './http/registerOperation';

registerOperation(operations.issueToken, ({ services, caller, body }) =>
  services.tokens.issueForCaller(caller, body),
);

registerOperation(operations.revokeTokens, ({ services, caller, body }) =>
  services.tokens.revokeForCaller(caller, body.communicationUserId),
);

registerOperation(operations.exchangeTeamsToken, ({ services, caller, body }) =>
  services.tokens.exchangeTeamsToken(caller, body.teamsUserAadToken),
);
