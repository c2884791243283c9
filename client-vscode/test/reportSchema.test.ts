/**
 * The extension reads the report the server writes; docs/report.schema.json is that report's
 * shape. A report built from the schema alone (every property, under the schema's names) must
 * come out of parseReport with every field the parser keeps unchanged, so a field renamed on
 * either side fails here.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseReport } from '../src/logic/findings';

type Schema = Record<string, any>;

const SCHEMA_FILE = path.resolve(__dirname, '..', '..', '..', 'docs', 'report.schema.json');
const schema: Schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));

function resolve(node: Schema): Schema {
  if (typeof node.$ref === 'string') {
    return resolve(schema.$defs[node.$ref.replace('#/$defs/', '')]);
  }
  return node;
}

/** A value the schema allows, distinct per place so that a swapped field is caught too. */
function example(node: Schema, where: string): unknown {
  const resolved = resolve(node);
  if ('const' in resolved) return resolved.const;
  if (Array.isArray(resolved.enum)) return resolved.enum[0];
  if (Array.isArray(resolved.oneOf)) return example(resolved.oneOf[0], where);
  const type = Array.isArray(resolved.type) ? resolved.type[0] : resolved.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries((resolved.properties ?? {}) as Record<string, Schema>).map(([key, value]) => [
          key,
          example(value, `${where}.${key}`),
        ]),
      );
    case 'array':
      return [example(resolved.items ?? { type: 'string' }, `${where}[0]`)];
    case 'integer':
    case 'number':
      return 1 + (where.length % 97);
    case 'boolean':
      return true;
    default:
      return where;
  }
}

describe('report schema', () => {
  const report = example(schema, 'report') as Record<string, any>;

  it('builds an example with every finding field the schema requires', () => {
    const finding = report.findings[0];
    assert.deepEqual(Object.keys(finding).sort(), [...schema.$defs.finding.required].sort());
    assert.equal(report.version, 1);
  });

  it('parseReport reads every field it keeps under the schema name', () => {
    const parsed = parseReport(report);
    assert.ok(parsed, 'a report in the schema shape is accepted');
    const kept = parsed.findings[0] as unknown as Record<string, unknown>;
    const findingProperties = Object.keys(schema.$defs.finding.properties);
    assert.equal(parsed.findings.length, 1);
    for (const [key, value] of Object.entries(kept)) {
      assert.ok(findingProperties.includes(key), `the parser keeps "${key}", which the schema does not have`);
      assert.deepEqual(value, report.findings[0][key], `finding field "${key}"`);
    }
    assert.deepEqual(parsed.snapshots, report.snapshots);
    assert.deepEqual(parsed.notes, report.notes);
  });
});
