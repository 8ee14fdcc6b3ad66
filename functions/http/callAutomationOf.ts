import type { CallAutomation } from '../../shared/callAutomation/callAutomation';
import { automationProblems } from '../../shared/callAutomation/automationProblems';
import type { AppServices } from '../../shared/composition/appServices';

/** Call Automation, or 404 CallAutomationNotConfigured where CALLBACK_BASE_URL is not set. */
export function callAutomationOf(services: AppServices): CallAutomation {
  if (!services.callAutomation) throw automationProblems.notConfigured();
  return services.callAutomation;
}
