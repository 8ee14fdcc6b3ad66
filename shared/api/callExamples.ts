import { exampleValues } from './exampleValues';

/** The examples every route under /api/calls/{id} shares: its parameters, and the two problems they imply. */
export const callParams = { id: exampleValues.callId };

export const unknownCall = {
  status: 404,
  code: 'CallNotFound',
  summary: 'A call the caller is not on (or that does not exist).',
  caller: 'user',
} as const;

export const badCallId = {
  status: 400,
  code: 'ValidationFailed',
  summary: 'A call id is a UUID.',
  caller: 'user',
  params: { id: 'not-a-uuid' },
} as const;
