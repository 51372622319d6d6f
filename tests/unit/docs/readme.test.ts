/**
 * What the README promises a new user, checked against the project itself (issue 10, point 15):
 * the Node range is the one package.json and osls declare; every AWS command names the same
 * region; development mode's limits, the retained table, what is stored and osls are explained.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '../../..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
const json = (path: string) => JSON.parse(readFileSync(resolve(root, path), 'utf8'));

/** Every shell command in the README's code blocks, continuation lines joined. */
function commands(): string[] {
  const blocks = [...readme.matchAll(/```(?:sh|console)\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  return blocks.flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n')).map((line) => line.replace(/^\$ /, '').trim());
}

describe('the README', () => {
  it('states the Node range package.json declares: within osls\'s, without the Node.js 20 that reached its end of life', () => {
    const range = json('package.json').engines.node as string;
    expect(range).toBe('^22.13 || >=24');
    // osls itself still takes 20.19 and later; the service asks for the part of it that is alive.
    expect(json('node_modules/serverless/package.json').engines.node.replace(/\.0\b/g, '')).toBe(`^20.19 || ${range}`);
    expect(readme).toContain(`(\`${range}\``);
    expect(readme).toContain('The deployed functions run on Node.js 24');
  });

  it('names one and the same --region in every AWS and deploy command', () => {
    const aws = commands().filter((line) => /\b(aws |npx serverless (deploy|remove))/.test(line));
    expect(aws.length).toBeGreaterThanOrEqual(3);
    const regions = new Set(aws.map((line) => /--region (\S+)/.exec(line)?.[1]));
    expect(regions).toEqual(new Set(['eu-west-1']));
    // Also in the prose: the commands quoted inline.
    for (const inline of readme.matchAll(/`(aws [^`]+|npx serverless (?:deploy|remove)[^`]*)`/g)) expect(inline[1]).toContain('--region eu-west-1');
  });

  it('says development-mode apps need a Premium owner and serve at most 5 users', () => {
    expect(readme).toMatch(/Premium/);
    expect(readme).toMatch(/at most 5 users/);
  });

  it('says what serverless remove and a redeploy do with the retained tables, and deletes every one of them before a redeploy', () => {
    expect(readme).toMatch(/serverless remove[^.]*\s+deletes the functions/);
    expect(readme).toMatch(/keeps the two tables/);
    expect(readme).toMatch(/block a new deploy of the same stage/);
    // Every table serverless.yml retains, by the name the prod stage gives it.
    const config = parse(readFileSync(resolve(root, 'serverless.yml'), 'utf8'));
    const retained = Object.values(config.resources.Resources as Record<string, { Type: string; DeletionPolicy?: string; Properties: { TableName: string } }>)
      .filter((resource) => resource.Type === 'AWS::DynamoDB::Table' && resource.DeletionPolicy === 'Retain')
      .map((resource) => resource.Properties.TableName.replace(/\$\{self:custom\.(\w+)\}/, (_, name: string) => config.custom[name]).replace('${self:service}', config.service).replace('${sls:stage}', 'prod'));
    expect(retained).toEqual(['spotify-highlights-prod', 'spotify-highlights-prod-history']);
    const deletes = commands().filter((line) => line.startsWith('aws dynamodb delete-table')).map((line) => /--table-name (\S+)/.exec(line)?.[1]);
    expect(deletes.sort()).toEqual(retained.sort());
  });

  it('says what is stored, the cached results too, and for how long', () => {
    const stored = readme.slice(readme.indexOf('## What is stored'));
    for (const part of ['**The owner**', '**Pending logins**', '**The refresh lease**', '**Cached results**', 'HIGHLIGHTS_CACHE_SECONDS', 'STALE_MAX_SECONDS', 'TTL']) {
      expect(stored).toContain(part);
    }
  });

  it('says that npx serverless is osls, the open-source Serverless Framework', () => {
    expect(readme).toMatch(/`npx serverless` is \[osls\]\([^)]+\), the open-source Serverless\s+Framework/);
    expect(json('package.json').devDependencies.serverless).toMatch(/^npm:osls@/);
  });
});
