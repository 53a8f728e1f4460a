import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import spec from './openapi/stackone-connect.openapi.json' with { type: 'json' };

// ajv and ajv-formats are CommonJS: under NodeNext the default import is module.exports, whose
// `default` property is the constructor / plugin (true in Node, vitest and the tsup bundle).
const Ajv = AjvModule.default;
const addFormats = formatsModule.default;

const SPEC_ID = 'stackone-connect.openapi.json';

/**
 * Two readings of the vendored spec, so that it accepts what StackOne's published spec does:
 * - it mixes OpenAPI 3.0 `nullable` with 3.1 schemas, and ajv refuses `nullable` on a schema
 *   without `type` (e.g. ConnectorsMeta.resources): those become anyOf [null, schema];
 * - `null` was taken out of its string enums so that validators enforce them, but where the
 *   schema says `nullable` (ConnectSessionCreate.type) the published spec lists null as a value:
 *   null goes back into those enums.
 */
function normaliseNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normaliseNullable);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = normaliseNullable(value);
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) {
    out.enum = [...(out.enum as unknown[]), null];
  }
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _dropped, ...rest } = out;
    return { anyOf: [{ type: 'null' }, rest] };
  }
  return out;
}

/** A validator for any `#/components/schemas/<name>` of the vendored spec, compiled on first use. */
export function createSpecValidator(): (schemaName: string) => ValidateFunction {
  let ajv: InstanceType<typeof Ajv> | undefined;
  return (schemaName) => {
    if (!ajv) {
      ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
      ajv.addSchema(normaliseNullable(spec) as object, SPEC_ID);
    }
    const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/${schemaName}`);
    if (!validate) throw new Error(`No schema ${schemaName} in the vendored spec`);
    return validate;
  };
}

const validatorFor = createSpecValidator();

export interface Violation {
  path: string;
  message: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** ajv's error, phrased the way people read it: `categories.0 must be equal to one of ...`. */
function toViolation(error: ErrorObject): Violation {
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    message += `: ${allowed.join(', ')}`;
  }
  return { path, message: path ? `${path} ${message}` : message, keyword: error.keyword, params: error.params };
}

/** Violations of the request body against a component schema; empty when valid. */
export function validateAgainst(schemaName: string, body: unknown): Violation[] {
  const validate = validatorFor(schemaName);
  if (validate(body)) return [];
  return (validate.errors ?? []).map(toViolation);
}
