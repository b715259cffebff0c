// graphql-codegen over the committed schema and the dashboard's documents:
// TypeScript types for every operation's result and variables. CI runs it
// again with CODEGEN_SCHEMA set to a running server's /graphql (read by
// introspection) and /graphql/schema.graphql, and CODEGEN_OUT elsewhere,
// and checks the types come out the same.
import type { CodegenConfig } from '@graphql-codegen/cli';

// The API's own scalars as they travel in JSON.
const scalars = {
  ID: 'string',
  Date: 'string', // YYYY-MM-DD
  DateTime: 'string', // RFC 3339
  Money: 'number', // whole đồng
  JSON: 'unknown',
};

const out = process.env.CODEGEN_OUT ?? './generated';

const config: CodegenConfig = {
  schema: process.env.CODEGEN_SCHEMA ?? '../schema.graphql',
  pluckConfig: { modules: [{ name: 'relay-runtime', identifier: 'graphql' }], globalGqlIdentifierName: 'graphql' },
  generates: {
    // Every schema type, for code that handles the API's objects at large.
    [`${out}/schema.ts`]: {
      plugins: ['typescript'],
      config: { strictScalars: true, scalars, enumsAsTypes: true },
    },
    // Each operation's result and variables (with the enums and inputs
    // they use), what the dashboard's code is written against.
    [`${out}/graphql.ts`]: {
      documents: ['./dashboard/*.ts'],
      plugins: ['typescript-operations'],
      config: {
        // Relay's own directives (@connection, @refetchable, ...) are not
        // in the schema; codegen skips unknown directives, and this skips
        // the variables Relay fragments declare with @argumentDefinitions.
        // relay-compiler validates the documents in full.
        skipDocumentsValidation: { ignoreRules: ['NoUndefinedVariables'] },
        strictScalars: true,
        scalars,
        enumsAsTypes: true,
        dedupeOperationSuffix: true,
      },
    },
  },
};

export default config;
