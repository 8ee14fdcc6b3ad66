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

  it('applies int, long, bool, guid and alpha constraints, and treats unknown ones as plain', () => {
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
    expect(compileRouteTemplate('u/{x:shiny}').match('/u/anything')).toEqual({ x: 'anything' });
  });

  it('gives a catch-all the rest of the path, decoded, and omits it when empty', () => {
    const template = compileRouteTemplate('files/{*path}');
    expect(template.match('/files/a/b%20c/d.txt')).toEqual({ path: 'a/b c/d.txt' });
    expect(template.match('/files')).toEqual({});
    expect(() => compileRouteTemplate('files/{*path}/more')).toThrow(/last segment/);
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
});
