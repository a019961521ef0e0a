import { builder } from '../builder.ts';
import './scalars.schema.ts';
import './errors.schema.ts';
import '../modules/identity/identity.schema.ts';
import '../modules/app-handoff/app-handoff.schema.ts';
import '../modules/settings/settings.schema.ts';
import '../modules/rights/rights.schema.ts';
import '../modules/dsr/dsr.schema.ts';
import '../modules/audit/audit.schema.ts';
import '../modules/audit/audit-proof.schema.ts';
import '../modules/edits/edits.schema.ts';
import '../modules/impersonation/impersonation.schema.ts';
import '../modules/reports/reports.schema.ts';
import '../modules/app/app.schema.ts';
import '../modules/portal-events/chat-capture.schema.ts';

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

export const schema = builder.toSchema({ sortSchema: true });
