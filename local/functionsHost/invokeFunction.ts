import type { EffectiveFunctionOptions, LogLevel } from '@azure/functions';
import { format } from 'node:util';
import type { CoreFunctionCallback } from './appRegistrations';
import type { FunctionApp } from './loadFunctionApp';

/** What any function is invoked by: its name, its handler, and the options its context shows. */
export interface InvocableFunction {
  name: string;
  callback: CoreFunctionCallback;
  options: EffectiveFunctionOptions;
}

function functionLogHandler(name: string, invocationId: string, log: (line: string) => void) {
  return (level: LogLevel, ...args: unknown[]): void => {
    const tag = level === 'information' ? '' : ` ${level}`;
    log(`[${invocationId}] ${name}${tag}: ${format(...args)}`);
  };
}

/**
 * Calls the function's own handler with its trigger input and the app's `InvocationContext`, between its
 * preInvocation and postInvocation hooks, following the worker's InvocationHandler: preInvocation hooks may
 * replace the inputs and the handler, postInvocation hooks see and may replace the result or the error.
 * Returns the result; throws when the handler (or a hook) fails.
 */
export async function invokeFunction(
  app: FunctionApp,
  fn: InvocableFunction,
  invocationId: string,
  trigger: unknown,
  log: (line: string) => void,
): Promise<unknown> {
  const { InvocationContext } = app.library;
  const { registrations } = app;
  const context = new InvocationContext({
    invocationId,
    functionName: fn.name,
    logHandler: functionLogHandler(fn.name, invocationId, log),
    options: fn.options,
  });
  const hookData: Record<string, unknown> = {};
  const shared = { hookData, appHookData: registrations.appHookData, invocationContext: context };

  const pre = { ...shared, inputs: [trigger] as unknown[], functionCallback: fn.callback };
  await registrations.runHooks('preInvocation', pre);

  const post = { ...shared, inputs: pre.inputs, result: null as unknown, error: null as unknown };
  try {
    post.result = await pre.functionCallback(...pre.inputs, context);
  } catch (error) {
    post.error = error ?? new Error('the function threw a nullish value');
  }
  await registrations.runHooks('postInvocation', post);
  if (post.error != null) throw post.error;
  return post.result;
}
