/**
 * Spotify's OpenAPI document as a validator of real HTTP answers. OpenAPI 3.0.3 schema objects are
 * JSON Schema (draft 4/7) plus a few keywords, each handled on purpose: `nullable` is Ajv's own
 * OpenAPI support; `discriminator` is only an annotation (every oneOf it marks already tells its
 * branches apart by a `type` enum, and Ajv's discriminator cannot follow the document's allOf
 * branches); `example`, the `x-*` extensions and OpenAPI's number formats (float…) annotate only.
 * Any other unknown keyword stops the compile (Ajv's strict mode), so nothing is ignored unnoticed.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { at, DOCUMENT_EXCEPTIONS, type Json } from './openapi-exceptions';

const ROOT_ID = 'spotify-openapi';
const ANNOTATIONS = ['example', 'discriminator'];
const NUMBER_FORMATS = ['float', 'double', 'int32', 'int64'];

export interface Answer {
  status: number;
  contentType: string | null;
  body: string;
}

function extensionKeys(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => extensionKeys(item, found));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) found.add(key);
      extensionKeys(value, found);
    }
  }
  return found;
}

/** The document's `#/components/schemas/X` as refs into the one schema Ajv holds. */
function pointAtRoot(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(pointAtRoot);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [
    key,
    key === '$ref' && typeof value === 'string' ? value.replace('#/components/schemas/', `${ROOT_ID}#/definitions/`) : pointAtRoot(value),
  ]));
}

export function loadDocument(path: string): Json {
  return parse(readFileSync(path, 'utf8')) as Json;
}

export class SpotifyDocument {
  private readonly doc: Json;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  /** `original` with every exception of DOCUMENT_EXCEPTIONS applied. */
  constructor(original: Json) {
    const doc = structuredClone(original);
    for (const exception of DOCUMENT_EXCEPTIONS) exception.apply(doc);
    this.doc = pointAtRoot(doc) as Json;
    // strictRequired is off: the document requires in one allOf branch what another describes (PagingObject's items).
    this.ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true });
    addFormats(this.ajv);
    NUMBER_FORMATS.forEach((format) => this.ajv.addFormat(format, true));
    this.ajv.addVocabulary([...ANNOTATIONS, ...extensionKeys(doc)]);
    this.ajv.addSchema({ $id: ROOT_ID, definitions: at(this.doc, ['components', 'schemas']) });
  }

  /** What is wrong with `answer` as the document's answer to GET `operation`; empty when nothing is. */
  problems(operation: string, answer: Answer): string[] {
    const declared = at(this.doc, ['paths', operation, 'get', 'responses'])[String(answer.status)] as Json | undefined;
    if (!declared) return [`the document lists no ${answer.status} for GET ${operation}`];
    const response = typeof declared.$ref === 'string' ? at(this.doc, declared.$ref.slice(2).split('/')) : declared;
    if (!response.content) {
      return answer.body === '' && answer.contentType === null ? [] : [`a ${answer.status} of GET ${operation} has no content, got ${answer.contentType}: ${answer.body.slice(0, 80)}`];
    }
    const mediaType = (answer.contentType ?? '').split(';')[0]!.trim();
    const media = (response.content as Json)[mediaType] as Json | undefined;
    if (!media) return [`a ${answer.status} of GET ${operation} is not ${mediaType || 'without a content type'}`];
    const validate = this.validator(`${operation} ${answer.status} ${mediaType}`, media.schema as Json);
    let data: unknown = answer.body;
    if (mediaType === 'application/json') {
      try {
        data = JSON.parse(answer.body);
      } catch {
        return [`a ${answer.status} of GET ${operation} is not JSON: ${answer.body.slice(0, 80)}`];
      }
    }
    if (validate(data)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? ''} (${error.schemaPath})`);
  }

  private validator(key: string, schema: Json): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}
