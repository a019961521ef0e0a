import { readFile } from 'node:fs/promises';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import { codegenConfig, GENERATED_FILE } from '../codegen.ts';
import { MeDocument, RequestDataExportDocument, requestBody } from '../src/graphql/index.ts';

describe('the GraphQL documents', () => {
  it('generated.ts matches the documents and the API schema (run `pnpm --filter @b24-gdpr/shared codegen`)', async () => {
    // generate() validates every document against packages/api/schema.graphql, so a field the API
    // dropped or renamed fails here, and the types the extension compiles against go stale here first.
    const [output] = await generate(codegenConfig, false);
    expect(output?.filename).toBe(GENERATED_FILE);
    expect(await readFile(GENERATED_FILE, 'utf8')).toBe(output?.content);
  }, 60_000);

  it('requestBody prints a document with its fragments and names the operation', () => {
    const body = requestBody(RequestDataExportDocument, { userId: 7 });
    expect(body.operationName).toBe('RequestDataExport');
    expect(body.query).toMatch(/^mutation RequestDataExport\(\$userId: Int!\)/);
    expect(body.query).toContain('fragment RequestFields on DataSubjectRequest');
    expect(body.variables).toEqual({ userId: 7 });
    expect(requestBody(MeDocument, {}).query).toBe(requestBody(MeDocument, {}).query);
  });
});
