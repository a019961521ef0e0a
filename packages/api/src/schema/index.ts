import { builder } from '../builder.ts';
import './scalars.schema.ts';
import './errors.schema.ts';
import '../modules/identity/identity.schema.ts';

builder.queryType({});
builder.mutationType({});

export const schema = builder.toSchema({ sortSchema: true });
