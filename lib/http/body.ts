/**
 * What a request that changes something must be, checked before its handler runs, in this order:
 * sent from the service's own pages (Sec-Fetch-Site or Origin naming another site is refused:
 * 403; see fromOwnSite), at most MAX_BODY_BYTES (413), of the route's content type (415), and, as JSON, well formed
 * (400 invalid_json; parsed by @middy/http-json-body-parser). GET and HEAD pass untouched.
 */
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type middy from '@middy/core';
import { serviceBase } from '../platform/config';
import { CrossSite, InvalidRequest } from '../platform/errors';
import { httpError } from './errors';
import type { HttpEvent, HttpResult } from './responses';

export const MAX_BODY_BYTES = 16 * 1024;

const JSON_TYPE = /^application\/json\s*(;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * A browser says where a request comes from in Sec-Fetch-Site, which no page can forge: only
 * same-origin passes. Without it (an older browser), Origin must be the service's own: a form
 * posted from a page served with Referrer-Policy: no-referrer carries "Origin: null", which
 * passes only with Sec-Fetch-Site: same-origin. A request with neither (curl) is no browser's,
 * so no other site can have sent it with the owner's cookie.
 */
function fromOwnSite(event: HttpEvent): boolean {
  const headers = event.headers ?? {};
  const site = headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = headers.origin;
  if (origin === undefined) return true;
  return origin === serviceBase({ domainName: event.requestContext?.domainName, host: event.headers?.host })?.origin;
}

function bodyBytes(event: HttpEvent): number {
  if (!event.body) return 0;
  return Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** `kind` 'json': a JSON body, parsed; 'form': an HTML form's (its fields unread) or JSON. */
export function changesFromOwnSite(kind: 'json' | 'form'): middy.MiddlewareObj<HttpEvent, HttpResult> {
  const parser = httpJsonBodyParser();
  return {
    before: async (request) => {
      const { event } = request;
      const method = event.requestContext?.http?.method ?? 'GET';
      if (method === 'GET' || method === 'HEAD') return;
      if (!fromOwnSite(event)) throw new CrossSite();
      if (bodyBytes(event) > MAX_BODY_BYTES) throw httpError(413, 'payload_too_large', `The body is over ${MAX_BODY_BYTES / 1024} kB. Nothing was changed.`);
      const type = event.headers?.['content-type'] ?? '';
      const isJson = JSON_TYPE.test(type);
      if (!isJson && !(kind === 'form' && FORM_TYPE.test(type))) {
        const wanted = kind === 'json' ? 'application/json' : 'a form or application/json';
        throw httpError(415, 'unsupported_media_type', `Send ${wanted}. Nothing was changed.`);
      }
      if (!isJson) return;
      try {
        await parser.before?.(request as never);
      } catch {
        throw new InvalidRequest('invalid_json', 'The body is not valid JSON. Nothing was changed.');
      }
    },
  };
}

/**
 * A field of what changesFromOwnSite let through: the parsed JSON's (a string, or true as "yes"),
 * or the form's (API Gateway may hand a form over base64-encoded).
 */
export function bodyField(event: HttpEvent, name: string): string | undefined {
  const { body } = event as { body?: unknown };
  if (body && typeof body === 'object') {
    const value = (body as Record<string, unknown>)[name];
    return value === true ? 'yes' : typeof value === 'string' ? value : undefined;
  }
  if (typeof body !== 'string' || !FORM_TYPE.test(event.headers?.['content-type'] ?? '')) return undefined;
  return new URLSearchParams(event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body).get(name) ?? undefined;
}
