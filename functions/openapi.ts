import { operationList } from '../shared/api/apiOperations';
import { openApiDocument } from '../shared/api/openApiDocument';
import { currentConfig } from './http/currentServices';
import { operations } from './http/operations';
import { registerOperation } from './http/registerOperation';
import { Reply } from './http/reply';

let document: Record<string, unknown> | undefined;

registerOperation(operations.openApi, async () => {
  document ??= openApiDocument(operationList(operations), {
    maxRequestBodyBytes: currentConfig().http.maxRequestBodyBytes,
  });
  return new Reply({ status: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } });
});
