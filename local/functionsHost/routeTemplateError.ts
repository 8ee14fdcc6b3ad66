/**
 * A route template the Functions host would refuse to build a route from. The message is the one
 * ASP.NET Core routing gives, so it reads the same here as in the Azure host's log.
 */
export class RouteTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouteTemplateError';
  }
}
