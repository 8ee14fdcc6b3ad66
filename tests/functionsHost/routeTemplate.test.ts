import { describe, expect, it } from 'vitest';
import { compareRoutePrecedence, compileRouteTemplate } from '../../local/functionsHost/routeTemplate';

describe('compileRouteTemplate', () => {
  it('matches literal segments case-insensitively and ignores a trailing slash', () => {
    const template = compileRouteTemplate('api/calls/mine');
    expect(template.match('/api/calls/mine')).toEqual({});
    expect(template.match('/API/Calls/MINE/')).toEqual({});
    expect(template.match('/api/calls/mine/extra')).toBeUndefined();
    expect(template.match('/api/calls')).toBeUndefined();
  });

  it('percent-decodes parameters after splitting, so %2F stays inside one parameter', () => {
    const template = compileRouteTemplate('api/calls/{id}');
    expect(template.match('/api/calls/a%2Fb%20c')).toEqual({ id: 'a/b c' });
    expect(template.match('/api/calls/8%3Aacs%3Ax')).toEqual({ id: '8:acs:x' });
    expect(template.match('/api/calls/%E0%A4%A')).toBeUndefined();
  });

  it('supports optional parameters and default values', () => {
    expect(compileRouteTemplate('greet/{name}/{suffix?}').match('/greet/bob')).toEqual({ name: 'bob' });
    expect(compileRouteTemplate('greet/{name}/{suffix?}').match('/greet/bob/hi')).toEqual({
      name: 'bob',
      suffix: 'hi',
    });
    expect(compileRouteTemplate('page/{n:int=1}').match('/page')).toEqual({ n: '1' });
    expect(compileRouteTemplate('page/{n:int=1}').match('/page/3')).toEqual({ n: '3' });
  });

  it('applies int, long, bool, guid, alpha and range constraints', () => {
    const int = compileRouteTemplate('items/{id:int}');
    expect(int.match('/items/42')).toEqual({ id: '42' });
    expect(int.match('/items/-7')).toEqual({ id: '-7' });
    expect(int.match('/items/4x')).toBeUndefined();
    expect(int.match('/items/2147483648')).toBeUndefined();
    expect(compileRouteTemplate('n/{id:long}').match('/n/2147483648')).toEqual({ id: '2147483648' });
    expect(compileRouteTemplate('b/{on:bool}').match('/b/True')).toEqual({ on: 'True' });
    expect(compileRouteTemplate('b/{on:bool}').match('/b/yes')).toBeUndefined();
    const guid = compileRouteTemplate('g/{id:guid}');
    expect(guid.match('/g/6F9619FF-8B86-D011-B42D-00C04FC964FF')).toBeDefined();
    expect(guid.match('/g/6f9619ff8b86d011b42d00c04fc964ff')).toBeDefined();
    expect(guid.match('/g/not-a-guid')).toBeUndefined();
    expect(compileRouteTemplate('a/{w:alpha}').match('/a/abc')).toEqual({ w: 'abc' });
    expect(compileRouteTemplate('a/{w:alpha}').match('/a/ab1')).toBeUndefined();
    expect(compileRouteTemplate('r/{n:int:min(2):max(5)}').match('/r/6')).toBeUndefined();
    expect(compileRouteTemplate('r/{n:range(2,5)}').match('/r/5')).toEqual({ n: '5' });
    expect(compileRouteTemplate('f/{name:file}').match('/f/a.txt')).toEqual({ name: 'a.txt' });
    expect(compileRouteTemplate('f/{name:nonfile}').match('/f/a.txt')).toBeUndefined();
  });

  it('applies a regex constraint as ASP.NET Core does: unanchored, any case, braces doubled', () => {
    const code = compileRouteTemplate('c/{code:regex(^[a-z]{{3}}$)}');
    expect(code.match('/c/ABC')).toEqual({ code: 'ABC' });
    expect(code.match('/c/abcd')).toBeUndefined();
    expect(compileRouteTemplate('c/{code:regex(b)}').match('/c/abc')).toEqual({ code: 'abc' });
  });

  it('gives a catch-all the rest of the path, decoded, and omits it when empty', () => {
    const template = compileRouteTemplate('files/{*path}');
    expect(template.match('/files/a/b%20c/d.txt')).toEqual({ path: 'a/b c/d.txt' });
    expect(template.match('/files')).toEqual({});
    expect(() => compileRouteTemplate('files/{*path}/more')).toThrow(
      'A catch-all parameter can only appear as the last segment of the route template.',
    );
  });

  it('matches parameters mixed with literals inside one segment', () => {
    expect(compileRouteTemplate('files/{name}.{ext}').match('/files/report.final.pdf')).toEqual({
      name: 'report',
      ext: 'final.pdf',
    });
  });

  it('orders literal segments before parameters and catch-alls', () => {
    const templates = ['calls/{id}', '{*all}', 'calls/{id:int}', 'calls/mine'].map(compileRouteTemplate);
    const ordered = [...templates].sort(compareRoutePrecedence).map((t) => t.template);
    expect(ordered).toEqual(['calls/mine', 'calls/{id:int}', 'calls/{id}', '{*all}']);
  });

  it.each([
    [
      'api/x/{id',
      "There is an incomplete parameter in the route template. Check that each '{' character has a matching '}' character.",
    ],
    [
      'api/x}',
      "There is an incomplete parameter in the route template. Check that each '{' character has a matching '}' character.",
    ],
    [
      'api//x',
      "The route template separator character '/' cannot appear consecutively. It must be separated by either a parameter or a literal value.",
    ],
    ['~x', "The route template cannot start with a '~' character unless followed by a '/'."],
    [
      'api/{}',
      "The route parameter name '' is invalid. Route parameter names must be non-empty and cannot contain these characters: '{{', '}}', '/'. The '?' character marks a parameter as optional, and can occur only at the end of the parameter. The '*' character marks a parameter as catch-all, and can occur only at the start of the parameter.",
    ],
    ['api/{a}/{A}', "The route parameter name 'A' appears more than one time in the route template."],
    ['api/{*rest?}', 'A catch-all parameter cannot be marked optional.'],
    ['api/{n=1?}', 'An optional parameter cannot have default value.'],
    [
      'api/x{*rest}',
      'A path segment that contains more than one section, such as a literal section or a parameter, cannot contain a catch-all parameter.',
    ],
    [
      'api/{a}{b}',
      "A path segment cannot contain two consecutive parameters. They must be separated by a '/' or by a literal string.",
    ],
    [
      'api/what?',
      "The literal section 'what?' is invalid. Literal sections cannot contain the '?' character.",
    ],
    [
      'api/{a?}-x',
      "An optional parameter must be at the end of the segment. In the segment '{a?}-x', optional parameter 'a' is followed by '-x'.",
    ],
    [
      'api/{a}-{b?}',
      "In the segment '{a}-{b?}', the optional parameter 'b' is preceded by an invalid segment '-'. Only a period (.) can precede an optional parameter.",
    ],
    ['api/{p:regex(^\\d{3}$)}', "In a route parameter, '{' and '}' must be escaped with '{{' and '}}'."],
    [
      'api/{id:shiny}',
      "The constraint entry 'id' - 'shiny' on the route 'api/{id:shiny}' could not be resolved by the constraint resolver of type 'DefaultInlineConstraintResolver'.",
    ],
    [
      'api/{id:min}',
      "Could not find a constructor for constraint type 'MinRouteConstraint' with the following number of parameters: 0.",
    ],
    ['api/{id:min(x)}', "The input string 'x' was not in a correct format."],
  ])('refuses %s as ASP.NET Core routing does', (template, message) => {
    expect(() => compileRouteTemplate(template)).toThrow(message);
  });

  it('accepts what ASP.NET Core accepts: a leading / or ~/, a trailing /, escaped braces, {a}.{b?}', () => {
    expect(compileRouteTemplate('/api/x').match('/api/x')).toEqual({});
    expect(compileRouteTemplate('~/api/x/').match('/api/x')).toEqual({});
    expect(compileRouteTemplate('api/{{literal}}').match('/api/{literal}')).toEqual({});
    expect(() => compileRouteTemplate('files/{name}.{ext?}')).not.toThrow();
  });
});
