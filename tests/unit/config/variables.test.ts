/**
 * Every variable the service reads (lib/, handlers/, config/, serverless.yml, scripts/start.ts and
 * the emulator's preload) has an explicit value in every spawned stack (SERVICE_DEFAULTS), so no
 * developer's .env can change what a test sees: dotenv and process.loadEnvFile never override a
 * variable that is set. A variable added to the service without a default here fails this test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVICE_DEFAULTS, serviceEnvironment } from '../../support/local-stack';

const root = resolve(import.meta.dirname, '../../..');

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(?:ts|cjs|mjs)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

const SOURCES = [...filesUnder('lib'), ...filesUnder('handlers'), ...filesUnder('config'), join(root, 'scripts/start.ts'), join(root, 'tests/support/spotify-emulator/preload.mjs')];
// process.env.NAME, env.NAME, and the config readers' (env, 'NAME').
const IN_CODE = [/process\.env\.([A-Z][A-Z0-9_]+)/g, /\benv\.([A-Z][A-Z0-9_]+)/g, /\benv, '([A-Z][A-Z0-9_]+)'/g];

const serverlessYml = readFileSync(join(root, 'serverless.yml'), 'utf8');

function variablesRead(): Set<string> {
  const names = new Set<string>();
  for (const file of SOURCES) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of IN_CODE) for (const [, name] of text.matchAll(pattern)) names.add(name as string);
  }
  for (const [, name] of serverlessYml.matchAll(/\$\{env:([A-Z][A-Z0-9_]+)/g)) names.add(name as string);
  return names;
}

/** Set for the functions by serverless.yml from its own values (not from the environment), or by serverless offline. */
function setForTheFunctions(): Set<string> {
  const environment = (parse(serverlessYml) as { provider: { environment: Record<string, string> } }).provider.environment;
  const fromSelf = Object.entries(environment).filter(([, value]) => !/env:|file\(/.test(String(value)));
  return new Set([...fromSelf.map(([name]) => name), 'IS_OFFLINE']);
}

describe('the environment of a spawned stack', () => {
  it('gives every variable the service reads an explicit value', () => {
    const read = variablesRead();
    // The scan itself works: it finds variables of every kind of source.
    for (const name of ['SPOTIFY_CLIENT_ID', 'OWNER_SPOTIFY_ID', 'CORS_ALLOWED_ORIGINS', 'API_RATE_LIMIT', 'PORT', 'SPOTIFY_EMULATOR_URL', 'LOG_LEVEL', 'TABLE_NAME']) {
      expect(read, name).toContain(name);
    }
    const setElsewhere = setForTheFunctions();
    const missing = [...read].filter((name) => !setElsewhere.has(name) && !(name in SERVICE_DEFAULTS));
    expect(missing).toEqual([]);
  });

  it('sets each of them, even to an empty value, whatever this process has exported', () => {
    process.env.OWNER_SPOTIFY_ID = 'exported-by-the-developer';
    try {
      const env = serviceEnvironment({ PORT: '1234' });
      for (const name of Object.keys(SERVICE_DEFAULTS)) expect(typeof env[name], name).toBe('string');
      expect(env.OWNER_SPOTIFY_ID).toBe('');
      expect(env.PORT).toBe('1234');
    } finally {
      delete process.env.OWNER_SPOTIFY_ID;
    }
  });
});
