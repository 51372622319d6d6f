/**
 * The shared middy stack every HTTP function runs in: header normalisation, the logger's request
 * context, the route's methods (GET only unless it says; a body only from the service's own
 * pages: body.ts), and every error answered in the route's format through the one mapping
 * (errors.ts). JSON routes answer {"error","message"}; a route answering HTML or SVG brings the
 * renderer for its errors, so this layer draws no feature's pages or cards.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { Context } from 'aws-lambda';
import { ConfigError } from '../platform/errors';
import { logger } from '../platform/logger';
import { currentRequest, withRequest, type Caller } from '../platform/request-context';
import type { Deadline } from '../platform/time';
import { changesFromOwnSite } from './body';
import { errorAnswer, httpError, type ErrorAnswer } from './errors';
import { htmlResponse, jsonResponse, svgResponse, type HttpEvent, type HttpResult } from './responses';

export type RouteHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/** Draws an error: `answer` is what the mapping says (errors.ts), `query` the request's parameters. */
export type ErrorRenderer = (answer: ErrorAnswer, query: HttpEvent['queryStringParameters']) => { statusCode: number; body: string };

/** What a route that changes something accepts (lib/http/body.ts): JSON, or JSON or a plain HTML form. */
export type BodyKind = 'json' | 'form';

export type RouteOptions = ({ format: 'json' } | { format: 'html' | 'svg'; renderError: ErrorRenderer }) & {
  /** The methods served (GET and HEAD by default). A route with PUT or POST takes a body of `body`, from the service's own pages only. */
  methods?: readonly ('GET' | 'PUT' | 'POST')[];
  body?: BodyKind;
  /** Whom the route works for (request-context.ts): a visitor unless it says; it decides what part of Spotify's budget pays. */
  caller?: Caller;
};

/**
 * Epoch ms by which a request's work must be done: well inside the function's own timeout, which
 * is 1.5 s later at least (AWS calls may use part of that, see platform/aws-calls.ts). Fixed when
 * route() starts the request, in its context (platform/request-context.ts).
 */
function deadlineOf(context: Context): Deadline {
  const started = currentRequest()?.deadline;
  if (started !== undefined) return started;
  const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 10_000;
  return Date.now() + Math.min(8_000, remaining - 1_500);
}

function errorResponse(options: RouteOptions, answer: ErrorAnswer, event: HttpEvent): HttpResult {
  const headers = { 'Cache-Control': 'no-store', ...answer.headers };
  if (options.format === 'json') return jsonResponse(answer.status, { error: answer.code, message: answer.message }, headers);
  const { statusCode, body } = options.renderError(answer, event.queryStringParameters);
  // Pages are never cached anyway (their headers say no-store).
  return options.format === 'svg' ? svgResponse(statusCode, body, headers) : htmlResponse(statusCode, body, [], answer.headers);
}

/** What a configuration error says for the log alone. */
function configDetail(error: unknown): { detail?: string } {
  return error instanceof ConfigError && error.detail ? { detail: error.detail } : {};
}

function respondToErrors(options: RouteOptions): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const answer = errorAnswer(request.error);
      if (answer.code === 'internal_error') logger.error('Unhandled error', { error: request.error as Error });
      else logger.warn('Request refused', { status: answer.status, code: answer.code, ...configDetail(request.error) });
      request.response = errorResponse(options, answer, request.event);
      return request.response;
    },
  };
}

/** A route serves its methods only (GET, with HEAD, unless it says): any other is refused before the handler runs. */
function onlyMethods(methods: readonly string[]): middy.MiddlewareObj<HttpEvent, HttpResult> {
  const allowed = methods.includes('GET') ? [...methods, 'HEAD'] : [...methods];
  return {
    before: async (request) => {
      const method = request.event.requestContext?.http?.method ?? 'GET';
      if (!allowed.includes(method)) {
        throw httpError(405, 'method_not_allowed', `${method.slice(0, 10)} is not allowed here; use ${methods.join(' or ')}.`, { Allow: methods.join(', ') });
      }
    },
  };
}

/** An HTTP function: `handler` inside the shared stack, its errors answered as `options` say. */
export function route(options: RouteOptions, handler: RouteHandler) {
  return middy<HttpEvent, HttpResult>()
    .use(httpHeaderNormalizer())
    // Never log the event, whatever POWERTOOLS_LOGGER_LOG_EVENT says: it carries codes, states and cookies.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(respondToErrors(options))
    .use(onlyMethods(options.methods ?? ['GET']))
    .use(changesFromOwnSite(options.body ?? 'json'))
    // Everything below runs in this request's context: its deadline cuts off every AWS and Spotify call.
    .handler((event, context) => withRequest({ deadline: deadlineOf(context), caller: options.caller ?? 'public' }, () => handler(event, context)));
}
