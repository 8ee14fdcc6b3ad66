import { isAcsTrustedServiceError } from 'acs-trusted-client';
import { byId, element } from './element';

function linesOf(error: unknown): Node[] {
  if (!isAcsTrustedServiceError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return [element('p', {}, element('strong', {}, 'Something went wrong'), `: ${message}`)];
  }
  const lines: Array<Node | false> = [
    element(
      'p',
      {},
      element('strong', {}, error.title || `Error ${error.status}`),
      ` (${error.status}, ${error.code})`,
    ),
    error.detail !== '' && element('p', {}, error.detail),
    error.errors.length > 0 &&
      element(
        'ul',
        {},
        ...error.errors.map((field) =>
          element('li', {}, element('code', {}, field.path || '/'), ` ${field.message}`),
        ),
      ),
    error.retryAfterSeconds !== undefined &&
      element('p', {}, `The service asks to wait ${error.retryAfterSeconds} s.`),
    error.invocationId !== undefined &&
      element('p', { class: 'hint' }, `Invocation id, for whoever runs the service: ${error.invocationId}`),
  ];
  return lines.filter((line): line is Node => line !== false);
}

/**
 * Shows what went wrong: for a problem+json answer its title, detail, code and the fields at fault. A 401 is
 * not shown here: it signs the user out, and the sign-in form says why (see main.ts).
 */
export function showProblem(error: unknown): void {
  if (isAcsTrustedServiceError(error) && error.status === 401) return;
  const box = byId('problem');
  box.replaceChildren(...linesOf(error));
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
}

export function clearProblem(): void {
  const box = byId('problem');
  box.hidden = true;
  box.replaceChildren();
}
