/** `{ operationContext }` for an event's data, or nothing when the request set none (ACS omits it then). */
export function withOperationContext(operationContext: string | undefined): { operationContext?: string } {
  return operationContext === undefined ? {} : { operationContext };
}
