import { app } from '@azure/functions';
import { apiOperations } from '../shared/api/allApiOperations';
import { openApiDocument } from '../shared/api/openApiDocument';
import { endpoint } from './http/endpoint';

let document: Record<string, unknown> | undefined;

app.http('openApi', {
  route: 'openapi.json',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: endpoint(async () => {
    document ??= openApiDocument(apiOperations);
    return { status: 200, jsonBody: document, headers: { 'cache-control': 'public, max-age=300' } };
  }),
});
