/**
 * The one way the dashboard talks to the API: same-origin fetch with the session cookie, the
 * CSRF token on mutations, the UI language in Accept-Language (so 400 field messages come back
 * localised), and responses parsed with the API's own zod schemas when one is given.
 */
import type { z } from 'zod';

let csrfToken: string | null = null;
let language = 'fr';

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setApiLanguage(value: string): void {
  language = value;
}

export type FieldErrors = Record<string, string>;

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly fields: FieldErrors;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.fields = fieldsOf(details);
  }
}

/** `body.name` → `name`; `body.entries.0.status` → `entries.0.status`. */
function fieldsOf(details: unknown): FieldErrors {
  const fields: FieldErrors = {};
  const list = (details as { fields?: unknown } | undefined)?.fields;
  if (!Array.isArray(list)) return fields;
  for (const entry of list) {
    const field = String((entry as { field?: unknown }).field ?? '').replace(/^(body|query|params)\.?/, '');
    const message = String((entry as { message?: unknown }).message ?? '');
    if (!(field in fields)) fields[field] = message;
  }
  return fields;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type RequestOptions = {
  body?: unknown;
  /** Raw text body (CSV) with its content type. */
  text?: { content: string; type: string };
  signal?: AbortSignal;
};

async function send(method: Method, url: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': language };
  let body: BodyInit | undefined;
  if (options.text) {
    headers['Content-Type'] = options.text.type;
    body = options.text.content;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(url, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  if (!response.ok) {
    const payload = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string; details?: unknown } } | undefined;
    const error = payload?.error;
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? response.statusText, error?.details);
  }
  return response;
}

export async function request<T extends z.ZodType>(method: Method, url: string, schema: T, options?: RequestOptions): Promise<z.infer<T>> {
  const response = await send(method, url, options);
  return schema.parse(await response.json());
}

/** For answers without a body (204) or whose body the caller does not use. */
export async function requestVoid(method: Method, url: string, options?: RequestOptions): Promise<void> {
  await send(method, url, options);
}

/** `?a=1&b=x` from an object, leaving out empty values. */
export function queryString(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
