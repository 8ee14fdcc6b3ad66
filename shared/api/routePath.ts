/** A Functions route template as an OpenAPI path: `{id:int}`, `{id?}` and `{*rest}` become `{id}` and `{rest}`. */
export function routePath(route: string): string {
  return route.replace(/\{\*{0,2}(\w+)[^}]*\}/g, '{$1}');
}
