import { app } from '@azure/functions';
import { resultSweepSchedule } from '../shared/callAutomation/resultSweep';
import { currentServices } from './http/currentServices';
import { describeFault } from './http/problemResponse';

// Collected tones (PINs maybe) past CALL_RESULT_TTL_HOURS are erased here, whether or not anyone reads them
// again. Azure runs one invocation at a time across instances; the sweep is safe either way.
app.timer('sweepExpiredCallResults', {
  schedule: resultSweepSchedule,
  handler: async (_timer, context) => {
    const services = currentServices();
    if (!services.callAutomation) return;
    try {
      await services.ready();
      const tally = await services.callAutomation.results.sweep();
      if (tally.forgotten + tally.kept > 0) {
        context.log(
          `erased ${tally.erased} expired call results; ${tally.forgotten} entries done, ${tally.kept} left for later`,
        );
      }
    } catch (error) {
      // Logged as every unexpected fault is (a storage error's message may quote a key); the run fails.
      context.error(describeFault(error, context));
      throw new Error('The sweep of expired call results failed; see the log above.');
    }
  },
});
