import path from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';

const here = import.meta.dirname;

/** Where the generated documents and types are written; committed, and checked by test/graphql-codegen.test.ts. */
export const GENERATED_FILE = path.join(here, 'src/graphql/generated.ts');

/** The API's printed schema and our documents in, one file of TypedDocumentNode exports out. */
export const codegenConfig: CodegenConfig = {
  schema: path.join(here, '../api/schema.graphql'),
  documents: path.join(here, 'src/graphql/operations/*.graphql'),
  silent: true,
  generates: {
    [GENERATED_FILE]: {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        // Erasable TypeScript only: string unions instead of enums, type-only imports.
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
        // __typename is typed where a document selects it (every union), and nowhere else.
        skipTypename: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    },
  },
};

export default codegenConfig;
