/**
 * The service's own origin, for the absolute addresses the builder hands out. Deployed, API
 * Gateway names it (requestContext.domainName: the API's domain, or the custom one it is mapped
 * to), over https. Locally (serverless offline, whose domainName is a placeholder) the browser
 * is on 127.0.0.1 or localhost over http, and only the Host header says which port.
 */
import { isLoopbackHost } from '../../../config/loopback.cjs';

export interface ServiceRequest {
  /** The Host header. */
  host: string | undefined;
  /** requestContext.domainName. */
  domainName: string | undefined;
}

/** A DNS name (no port: API Gateway serves 443 only). */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** `http://127.0.0.1:3000`, `https://abc.execute-api.eu-west-1.amazonaws.com`, or '' when neither is known. */
export function serviceBase({ host, domainName }: ServiceRequest): string {
  const local = host?.trim() ?? '';
  if (isLoopbackHost(local)) return `http://${local.toLowerCase()}`;
  const domain = domainName?.trim() ?? '';
  return DOMAIN.test(domain) ? `https://${domain.toLowerCase()}` : '';
}
