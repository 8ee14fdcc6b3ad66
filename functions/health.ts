import { app } from '@azure/functions';
import { endpoint } from './http/endpoint';
import { jsonResponse } from './http/jsonResponse';

app.http('health', {
  route: 'health',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ services }) => {
    const report = await services.health();
    return jsonResponse(
      report.status === 'ok' ? 200 : 503,
      report,
      report.status === 'ok' ? {} : { 'retry-after': '5' },
    );
  }),
});
