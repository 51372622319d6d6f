/** The service's origin for the builder's absolute URLs: API Gateway's domain over https, or the local host and port over http. */
import { describe, expect, it } from 'vitest';
import { serviceBase } from '../../../../lib/features/home/service-base';

describe('serviceBase', () => {
  it('is https and the API\'s domain when deployed, whatever the Host header says', () => {
    expect(serviceBase({ host: 'abc123.execute-api.eu-west-1.amazonaws.com', domainName: 'abc123.execute-api.eu-west-1.amazonaws.com' })).toBe(
      'https://abc123.execute-api.eu-west-1.amazonaws.com',
    );
    expect(serviceBase({ host: 'evil.example', domainName: 'music.example.org' })).toBe('https://music.example.org');
  });

  it('is http and the Host header\'s port on 127.0.0.1 or localhost (serverless offline names no real domain)', () => {
    expect(serviceBase({ host: '127.0.0.1:3000', domainName: 'offlineContext_domainName' })).toBe('http://127.0.0.1:3000');
    expect(serviceBase({ host: 'LocalHost:8080', domainName: undefined })).toBe('http://localhost:8080');
    expect(serviceBase({ host: '[::1]:3000', domainName: undefined })).toBe('http://[::1]:3000');
  });

  it('is unknown (empty) when neither names a host it can trust', () => {
    expect(serviceBase({ host: undefined, domainName: 'offlineContext_domainName' })).toBe('');
    expect(serviceBase({ host: '127.0.0.1:3000/x"><b>', domainName: 'a b' })).toBe('');
    expect(serviceBase({ host: 'example.org', domainName: 'example.org/path' })).toBe('');
  });
});
