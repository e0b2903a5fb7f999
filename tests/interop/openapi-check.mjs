// Validates an OpenAPI document (JSON on stdin) against the specification's own JSON schema, with an implementation
// nobody here wrote, and resolves every $ref. Prints {"valid":…,"version":…,"errors":[…]}; exits 0 either way.
import { Validator } from '@seriousme/openapi-schema-validator';

let input = '';
for await (const chunk of process.stdin) {
  input += chunk;
}

const validator = new Validator();
const result = await validator.validate(JSON.parse(input));
const errors = result.valid ? [] : [].concat(result.errors ?? []);
if (result.valid) {
  try {
    validator.resolveRefs();
  } catch (e) {
    errors.push({ message: `unresolved reference: ${e.message}` });
  }
}

process.stdout.write(JSON.stringify({ valid: errors.length === 0, version: validator.version, errors }));
