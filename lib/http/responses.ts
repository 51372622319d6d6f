/** The one way to build an HTTP response, per format: JSON, an HTML page, an SVG image, a redirect. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { PAGE_HEADERS } from './html';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult & { body: string } {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers },
    body: JSON.stringify(body),
  };
}

export function htmlResponse(statusCode: number, body: string, cookies: string[] = [], headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...PAGE_HEADERS, ...headers }, body, ...(cookies.length ? { cookies } : {}) };
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

export function redirectResponse(location: string, cookies: string[] = [], headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode: 302,
    headers: { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', ...headers },
    body: '',
    ...(cookies.length ? { cookies } : {}),
  };
}
