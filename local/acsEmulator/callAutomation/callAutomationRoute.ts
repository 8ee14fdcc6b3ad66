import type { EmulatorResponse } from '../emulatorResponse';
import type { Route, RouteRequest } from '../route';

/** What @azure/communication-call-automation 1.6.0 sends. */
export const callAutomationApiVersions = ['2026-03-12'] as const;

/** A Call Automation REST route: HMAC-authenticated, api-version checked, counted and open to faults. */
export function callAutomationRoute(
  method: string,
  pattern: RegExp,
  operation: string,
  handle: (request: RouteRequest) => Promise<EmulatorResponse>,
): Route {
  return { method, pattern, operation, kind: 'acs', apiVersions: callAutomationApiVersions, handle };
}

const connectionId = '(?<callConnectionId>[^/:]+)';

/** `/calling/callConnections/{callConnectionId}` followed by `suffix` (e.g. `:play`, `/participants:add`). */
export function connectionPath(suffix = ''): RegExp {
  return new RegExp(`^/calling/callConnections/${connectionId}${escape(suffix)}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
