import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/localService';
import { readme } from './walkthroughs';

/*
 * The README's example of the client library with the Calling SDK, type-checked as a file of the web app
 * (same compiler options, same packages): a renamed method, option or locator fails here, not for a reader.
 */
const example = /\n## Web app\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];

/** What the example leaves to the reader: their sign-in, and the call they were invited to. */
const readerContext =
  'declare function signedInUserToken(): Promise<string>;\ndeclare const callId: string;\n';

describe('README client library example', () => {
  it('type-checks against acs-trusted-client and @azure/communication-calling', () => {
    expect(example, 'README "Web app" has no ```ts block').toBeDefined();
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(repoRoot, 'client/web/tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
          throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
        },
      },
    );
    const file = path.join(repoRoot, 'client/web/src/readmeExample.ts');
    const source = `${readerContext}${example ?? ''}`;
    const host = ts.createCompilerHost(config!.options);
    const { readFile, fileExists } = host;
    host.readFile = (name) => (name === file ? source : readFile.call(host, name));
    host.fileExists = (name) => name === file || fileExists.call(host, name);
    const program = ts.createProgram([file], config!.options, host);
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const where =
        diagnostic.file && diagnostic.start !== undefined
          ? `${path.basename(diagnostic.file.fileName)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1} `
          : '';
      return `${where}${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  });
});
