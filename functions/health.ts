import { operations } from './http/operations';
import { registerOperation } from './http/registerOperation';
import { Reply } from './http/reply';

registerOperation(operations.health, async ({ services }) => {
  const report = await services.health();
  return report.status === 'unhealthy'
    ? new Reply({ status: 503, body: report, headers: { 'retry-after': '5' } })
    : report;
});
