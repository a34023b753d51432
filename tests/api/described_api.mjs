// The API description as a test oracle: finds the documented operation of a request (method
// and path template), and checks an answer against it: the status is documented, required
// headers are there, the content type is documented, and a JSON body validates against the
// documented schema (Ajv, JSON Schema 2020-12, the dialect of OpenAPI 3.1). The AsyncAPI
// document's message payloads are checked the same way.
//
// Stricter than the document on purpose: an object schema that lists its properties is
// checked with unevaluatedProperties: false, so a field seatd sends that the document does not
// name fails the test (the document stays open to added fields for its readers).
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const OPENAPI_ID = 'https://seatd.invalid/openapi.json';
const ASYNCAPI_ID = 'https://seatd.invalid/asyncapi.json';

function closeObjects(node) {
  if (Array.isArray(node)) { node.forEach(closeObjects); return; }
  if (!node || typeof node !== 'object') return;
  for (const v of Object.values(node)) closeObjects(v);
  if (node.type === 'object' && node.properties && !('additionalProperties' in node) &&
      !('unevaluatedProperties' in node)) node.unevaluatedProperties = false;
}

const pointer = (...parts) =>
  parts.map((p) => encodeURIComponent(String(p).replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');

export class DescribedApi {
  constructor(openapi, asyncapi) {
    this.doc = openapi;
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addFormat('int64', { type: 'number', validate: Number.isSafeInteger });
    this.ajv.addFormat('int32', { type: 'number', validate: (n) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
    for (const [doc, id] of [[openapi, OPENAPI_ID], [asyncapi, ASYNCAPI_ID]]) {
      const copy = structuredClone(doc);
      closeObjects(copy);
      copy.$id = id;
      this.ajv.addSchema(copy);
    }
    this.validators = new Map();
    this.operations = [];
    for (const [template, item] of Object.entries(openapi.paths)) {
      for (const method of METHODS) {
        if (!item[method]) continue;
        const params = (template.match(/\{[^}]+\}/g) || []).length;
        // seatd ignores a trailing slash: /bookings/ is also /bookings.
        const source = template.replace(/(.)\/$/, '$1').split(/\{[^}]+\}/)
          .map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+');
        this.operations.push({ method, template, params, op: item[method], regex: new RegExp(`^${source}/?$`) });
      }
    }
    // Literal paths before templated ones, as seatd's router prefers them (/trips/search is
    // not /trips/{trip_id}).
    this.operations.sort((a, b) => a.params - b.params);
    this.seen = new Map(); // "GET /trips/{trip_id}" -> Set of statuses answered
  }

  resolve(obj) {
    let at = obj;
    let ref = null;
    while (at && at.$ref) {
      ref = at.$ref;
      at = ref.slice(2).split('/').reduce((o, k) => o[k.replaceAll('~1', '/').replaceAll('~0', '~')], this.doc);
    }
    return { value: at, ref };
  }

  validator(ref) {
    if (!this.validators.has(ref)) this.validators.set(ref, this.ajv.compile({ $ref: ref }));
    return this.validators.get(ref);
  }

  /** The problems of one answer (empty: it is what the document says). */
  check(method, target, status, headers, body) {
    const pathname = new URL(target, 'http://x').pathname;
    const m = method.toLowerCase();
    const found = this.operations.find((o) => o.method === m && o.regex.test(pathname));
    if (!found) return [`${m.toUpperCase()} ${pathname}: no documented operation`];
    const name = `${m.toUpperCase()} ${found.template}`;
    if (!this.seen.has(name)) this.seen.set(name, new Set());
    this.seen.get(name).add(status);
    const documented = found.op.responses[String(status)];
    if (!documented) {
      return [`${name}: status ${status} is not documented (documented: ${Object.keys(found.op.responses).join(', ')})`];
    }
    const { value: response, ref } = this.resolve(documented);
    const base = ref ? ref : `#/${pointer('paths', found.template, m, 'responses', status)}`;
    const problems = [];
    for (const [header, spec] of Object.entries(response.headers || {})) {
      const h = this.resolve(spec).value;
      const got = headers.get(header);
      if (h.required && got === null) problems.push(`${name} ${status}: header ${header} is missing`);
      if (got !== null && h.schema?.type === 'integer' && !/^\d+$/.test(got)) {
        problems.push(`${name} ${status}: header ${header} is not an integer: ${got}`);
      }
    }
    if (!response.content) {
      if (body.length) problems.push(`${name} ${status}: a body where the document has none`);
      return problems;
    }
    const type = (headers.get('content-type') || '').split(';')[0].trim();
    if (!response.content[type]) {
      problems.push(`${name} ${status}: content type "${type}" is not documented (${Object.keys(response.content).join(', ')})`);
      return problems;
    }
    if (type !== 'application/json') return problems;
    let value;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (e) {
      return [...problems, `${name} ${status}: the body is not JSON: ${e.message}`];
    }
    const validate = this.validator(`${OPENAPI_ID}${base}/${pointer('content', type, 'schema')}`);
    if (!validate(value)) {
      problems.push(`${name} ${status}: the body does not match the documented schema: ` +
        this.ajv.errorsText(validate.errors, { separator: '; ' }));
    }
    return problems;
  }

  /** Problems of one WebSocket message against the AsyncAPI document's message `message`. */
  checkMessage(message, payload) {
    const validate = this.validator(`${ASYNCAPI_ID}#/${pointer('components', 'messages', message, 'payload')}`);
    return validate(payload) ? [] : [`${message}: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}`];
  }

  /** Documented operations no request of the test got a success (2xx) from. */
  untested() {
    return this.operations
      .map((o) => `${o.method.toUpperCase()} ${o.template}`)
      .filter((name) => ![...(this.seen.get(name) || [])].some((s) => s >= 200 && s < 300));
  }
}
