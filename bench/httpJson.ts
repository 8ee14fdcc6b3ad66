export interface JsonResponse<T> {
  status: number;
  body: T;
}

export interface JsonRequest {
  method?: string;
  bearer?: string;
  body?: unknown;
}

/** One JSON request; the body is parsed when there is one, whatever the status. */
export async function httpJson<T = unknown>(
  url: string,
  request: JsonRequest = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = {};
  if (request.bearer) headers.authorization = `Bearer ${request.bearer}`;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The same, for setup steps that must succeed: any other status stops the bench with the answer. */
export async function expectJson<T = unknown>(
  url: string,
  expectedStatus: number,
  request: JsonRequest = {},
): Promise<T> {
  const response = await httpJson<T>(url, request);
  if (response.status !== expectedStatus) {
    throw new Error(
      `${request.method ?? 'request'} ${url} answered ${response.status}, not ${expectedStatus}: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body;
}
