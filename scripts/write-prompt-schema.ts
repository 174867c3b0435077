// Writes schemas/prompt-file.schema.json from the prompt option rule table (shared/prompt/schema.ts).
// The unit test "prompt file schema is the builder's output" fails until this is run after a rule change.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promptFileSchemaText } from '../src/shared/prompt/schema';

const target = join(__dirname, '..', 'schemas', 'prompt-file.schema.json');
writeFileSync(target, promptFileSchemaText());
console.log(`wrote ${target}`);
