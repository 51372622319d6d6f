/**
 * The shared middy stack and the one way to build an HTTP response.
 * API routes answer errors as JSON {"error","message"}; browser routes as a friendly HTML page;
 * image routes as an SVG card that says what went wrong.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { errorCard, themeOr } from './card';
import { errorCode, httpError, toHttpError } from './errors';
import { PAGE_HEADERS } from './html';
import { logger } from './logger';
import { errorPage } from './pages';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type RouteHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult & { body: string } {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers },
    body: JSON.stringify(body),
  };
}

export function htmlResponse(statusCode: number, body: string, cookies: string[] = []): HttpResult {
  return { statusCode, headers: { ...PAGE_HEADERS }, body, ...(cookies.length ? { cookies } : {}) };
}

/** For an SVG opened on its own: no script, nothing loaded but the data: images inside it. */
export const SVG_HEADERS: Record<string, string> = {
  'Content-Type': 'image/svg+xml; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; img-src data:; style-src 'unsafe-inline'",
  'X-Content-Type-Options': 'nosniff',
};

export function svgResponse(statusCode: number, body: string, headers: Record<string, string> = {}): HttpResult & { body: string } {
  return { statusCode, headers: { ...SVG_HEADERS, ...headers }, body };
}

export function redirectResponse(location: string, cookies: string[] = []): HttpResult {
  return { statusCode: 302, headers: { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }, body: '', ...(cookies.length ? { cookies } : {}) };
}

/** Epoch ms by which a request must be answered: well inside the function's own timeout. */
export function deadlineOf(context: Context): number {
  const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 10_000;
  return Date.now() + Math.min(8_000, remaining - 1_500);
}

type Format = 'json' | 'html' | 'svg';

function respondToErrors(format: Format): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const error = toHttpError(request.error);
      const code = errorCode(error);
      if (code === 'internal_error') logger.error('Unhandled error', { error: request.error as Error });
      else logger.warn('Request refused', { status: error.status, code });
      const headers = (error.headers ?? {}) as Record<string, string>;
      if (format === 'json') {
        request.response = jsonResponse(error.status, { error: code, message: error.message }, { 'Cache-Control': 'no-store', ...headers });
      } else if (format === 'svg') {
        const card = errorCard(error, themeOr(request.event.queryStringParameters?.theme));
        request.response = svgResponse(card.statusCode, card.svg, { 'Cache-Control': 'no-store', ...headers });
      } else {
        request.response = { ...htmlResponse(error.status, errorPage(error)), headers: { ...PAGE_HEADERS, ...headers } };
      }
      return request.response;
    },
  };
}

/** Every route is read-only: any other method is refused before the handler runs. */
const onlyGet: middy.MiddlewareObj<HttpEvent, HttpResult> = {
  before: async (request) => {
    const method = request.event.requestContext?.http?.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      throw httpError(405, 'method_not_allowed', `${method.slice(0, 10)} is not allowed here; use GET.`, { Allow: 'GET' });
    }
  },
};

function route(format: Format, handler: RouteHandler) {
  return middy<HttpEvent, HttpResult>()
    .use(httpHeaderNormalizer())
    // Never log the event, whatever POWERTOOLS_LOGGER_LOG_EVENT says: it carries codes, states and cookies.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(respondToErrors(format))
    .use(onlyGet)
    .handler(handler);
}

/** A JSON API route. */
export const apiRoute = (handler: RouteHandler) => route('json', handler);
/** A browser route answering HTML pages and redirects. */
export const pageRoute = (handler: RouteHandler) => route('html', handler);
/** An image route answering SVG, errors included (see errorCard). */
export const imageRoute = (handler: RouteHandler) => route('svg', handler);
