import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOperations, operationList } from '../../shared/api/apiOperations';
import { startLocalService, type LocalService } from '../support/localService';

interface ReplayRequest {
  caller: 'none' | 'user' | 'admin';
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: { contentType: string; text: string };
  bodyBytes?: number;
}

interface DocumentedExample {
  operationId: string;
  method: string;
  path: string;
  status: number;
  code: string;
  request: ReplayRequest;
}

interface OpenApiOperation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  'x-access'?: string;
  responses: Record<
    string,
    {
      content?: Record<
        string,
        { examples?: Record<string, { value: { code: string }; 'x-request': ReplayRequest }> }
      >;
    }
  >;
}

let service: LocalService;
let document: { paths: Record<string, Record<string, OpenApiOperation>> };
const tokens: Record<'user' | 'admin', string> = { user: '', admin: '' };

beforeAll(async () => {
  // As npm start runs it (Call Automation on, pointed at the embedded emulator), with a prompt host allowed.
  service = await startLocalService({ PROMPT_ALLOWED_HOSTS: 'media.example.com' });
  document = (await service.request<typeof document>('GET', '/api/openapi.json')).body;
  tokens.user = await service.signIn('replay-user');
  tokens.admin = await service.signIn('replay-admin', { roles: ['admin'] });
});
afterAll(() => service.stop());

function documentedExamples(): DocumentedExample[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).flatMap(([method, operation]) =>
      Object.entries(operation.responses).flatMap(([status, response]) =>
        Object.values(response.content?.['application/problem+json']?.examples ?? {}).map((example) => ({
          operationId: operation.operationId ?? method,
          method: method.toUpperCase(),
          path,
          status: Number(status),
          code: example.value.code,
          request: example['x-request'],
        })),
      ),
    ),
  );
}

async function replay(example: DocumentedExample) {
  const { request } = example;
  const path = example.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(request.params?.[name] ?? `missing-${name}`),
  );
  const query = request.query ? `?${new URLSearchParams(request.query).toString()}` : '';
  const headers: Record<string, string> = {};
  let rawBody: string | undefined;
  if (request.rawBody) {
    headers['content-type'] = request.rawBody.contentType;
    rawBody = request.rawBody.text;
  } else if (request.bodyBytes !== undefined) {
    headers['content-type'] = 'application/json';
    rawBody = JSON.stringify({ padding: 'x'.repeat(request.bodyBytes - '{"padding":""}'.length) });
  }
  return service.request<{ code: string; status: number }>(example.method, `${path}${query}`, {
    ...(request.caller === 'none' ? {} : { token: tokens[request.caller] }),
    ...(request.body !== undefined ? { body: request.body } : {}),
    ...(rawBody !== undefined ? { rawBody, headers } : {}),
  });
}

describe('the OpenAPI document, replayed against the server', () => {
  it('documents a replayable example of every 4xx it can, for every operation that can answer one', () => {
    const examples = documentedExamples();
    expect(examples.length).toBeGreaterThan(60);
    // Every signed-in operation documents its 401, every admin one its 403 to a user.
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const access = operation['x-access'];
        const of = (status: number) =>
          examples.filter((e) => e.path === path && e.method === method.toUpperCase() && e.status === status);
        if (access === 'user' || access === 'admin') expect(of(401), `${method} ${path}`).not.toHaveLength(0);
        if (access === 'admin')
          expect(
            of(403).map((e) => e.code),
            `${method} ${path}`,
          ).toContain('AdminRoleRequired');
      }
    }
  });

  it('answers every documented problem example with its status and code, as problem+json', async () => {
    const mismatches: string[] = [];
    for (const example of documentedExamples()) {
      const response = await replay(example);
      const label = `${example.method} ${example.path} (${example.operationId}) ${example.status} ${example.code}`;
      if (response.status !== example.status || response.body?.code !== example.code) {
        mismatches.push(
          `${label}: got ${response.status} ${response.body?.code ?? response.text.slice(0, 80)}`,
        );
      } else if (!response.headers.get('content-type')?.includes('application/problem+json')) {
        mismatches.push(`${label}: not problem+json`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('states the access of every operation as the declarations do', () => {
    const declared = operationList(apiOperations({ maxInvitees: 100 }));
    for (const operation of declared) {
      const path = `/api/${operation.route.replace(/\{\*?(\w+)[^}]*\}/g, '{$1}')}`;
      const documented = document.paths[path]?.[operation.method.toLowerCase()];
      expect(documented?.operationId, `${operation.method} ${path}`).toBe(operation.name);
      expect(documented?.['x-access']).toBe(operation.access);
      expect(documented?.security !== undefined).toBe(operation.access !== 'anonymous');
    }
  });
});

describe('success responses match the schemas the document gives', () => {
  it('for the identity, token, admin and call operations', async () => {
    const operations = apiOperations({ maxInvitees: 100 });
    const user = { token: tokens.user };
    const admin = { token: tokens.admin };
    const check = async (
      operation: {
        name: string;
        response: { status: number; schema?: { parse(value: unknown): unknown } | undefined };
      },
      response: Promise<{ status: number; body: unknown; text: string }>,
    ) => {
      const answered = await response;
      expect(answered.status, `${operation.name}: ${answered.text}`).toBe(operation.response.status);
      if (operation.response.schema) operation.response.schema.parse(answered.body);
      return answered.body as Record<string, unknown>;
    };

    await check(operations.health, service.request('GET', '/api/health'));
    const issued = await check(operations.issueToken, service.request('POST', '/api/token', user));
    await check(operations.listMyIdentities, service.request('GET', '/api/me/identities', user));
    await check(
      operations.addMyIdentity,
      service.request('POST', '/api/me/identities', { ...user, body: { label: 'tablet' } }),
    );
    const bot = await check(
      operations.manageCreateIdentity,
      service.request('POST', '/api/manage/identities', { ...admin, body: { subjects: ['replay-user'] } }),
    );
    const botPath = `/api/manage/identities/${encodeURIComponent(String(bot.communicationUserId))}`;
    await check(operations.manageGetIdentity, service.request('GET', botPath, admin));
    await check(
      operations.manageIssueToken,
      service.request('POST', `${botPath}/token`, { ...admin, body: { scopes: ['chat'] } }),
    );
    await check(
      operations.manageListSubjectIdentities,
      service.request('GET', '/api/manage/subjects/replay-user/identities', admin),
    );
    await check(
      operations.manageAudit,
      service.request(
        'GET',
        `/api/manage/audit?communicationUserId=${encodeURIComponent(String(issued.communicationUserId))}`,
        admin,
      ),
    );
    const call = await check(
      operations.createCall,
      service.request('POST', '/api/calls', { ...user, body: { kind: 'room', title: 'Replay' } }),
    );
    await check(operations.listCalls, service.request('GET', '/api/calls', user));
    await check(operations.getCall, service.request('GET', `/api/calls/${String(call.id)}`, user));
    await check(operations.joinCall, service.request('POST', `/api/calls/${String(call.id)}/join`, user));

    const automation = `/api/calls/${String(call.id)}/automation`;
    await check(operations.connectCallAutomation, service.request('POST', automation, user));
    await check(operations.getCallAutomation, service.request('GET', automation, user));
    await check(
      operations.managePutPrompt,
      service.request('PUT', '/api/manage/prompts/replay', {
        ...admin,
        body: { url: 'https://media.example.com/replay.wav' },
      }),
    );
    await check(operations.manageGetPrompt, service.request('GET', '/api/manage/prompts/replay', admin));
    await check(operations.manageListPrompts, service.request('GET', '/api/manage/prompts', admin));
    await check(
      operations.manageListPhoneNumbers,
      service.request('GET', '/api/manage/phone-numbers', admin),
    );
    await check(
      operations.managePutMenu,
      service.request('PUT', `/api/manage/phone-numbers/${encodeURIComponent('+14255550100')}/menu`, {
        ...admin,
        body: {
          greetingPromptId: 'replay',
          choices: [{ key: '1', target: { phoneNumber: '+14255550101' } }],
        },
      }),
    );
    await check(
      operations.manageGetMenu,
      service.request('GET', `/api/manage/phone-numbers/${encodeURIComponent('+14255550100')}/menu`, admin),
    );
    await check(operations.manageListMenus, service.request('GET', '/api/manage/incoming-call-menus', admin));
    await check(operations.hangUpCallAutomation, service.request('DELETE', automation, user));
  });
});
