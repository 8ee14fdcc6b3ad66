/** Thrown by startFunctionsHost when its port is taken, so callers can say so in one line. */
export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE';

  constructor(
    readonly port: number,
    readonly hostname: string,
  ) {
    super(`port ${port} on ${hostname} is already in use (is another host running? choose another port)`);
    this.name = 'PortInUseError';
  }
}
