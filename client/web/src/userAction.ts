import { clearProblem, showProblem } from './problemView';

/**
 * Runs what the user started: its controls are disabled meanwhile (no double submit), an earlier problem is
 * cleared, and a failure is shown rather than lost.
 */
async function run(controls: HTMLButtonElement[], action: () => Promise<void>): Promise<void> {
  for (const control of controls) control.disabled = true;
  clearProblem();
  try {
    await action();
  } catch (error) {
    showProblem(error);
  } finally {
    for (const control of controls) control.disabled = false;
  }
}

export function onClick(button: HTMLButtonElement, action: () => Promise<void>): void {
  button.addEventListener('click', () => void run([button], action));
}

export function onSubmit(form: HTMLFormElement, action: (data: FormData) => Promise<void>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    void run([...form.querySelectorAll('button')], () => action(data));
  });
}

/** A form field's text, trimmed; undefined when empty. */
export function textOf(data: FormData, name: string): string | undefined {
  const value = data.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
