import { createSandboxPortal } from './index.ts';

// Standalone demo portal: `pnpm --filter @b24-gdpr/sandbox start`. PORT and SANDBOX_SEED pick port and seed.
const portal = await createSandboxPortal({
  port: process.env.PORT ? Number(process.env.PORT) : 0,
  ...(process.env.SANDBOX_SEED ? { seed: Number(process.env.SANDBOX_SEED) } : {}),
  log: (line) => console.error(line),
});
console.log(`Sandbox portal: ${portal.url}`);
console.log(`Admin webhook:  ${portal.webhookUrl(1)}`);
console.log(`Inspection:     ${portal.url}/_sandbox/info`);
console.log(`Pages:          ${portal.url}/auth/`);
console.log(`OAuth tokens:   ${portal.oauthTokenUrl} (register apps: POST ${portal.url}/_sandbox/apps)`);
const stop = () => {
  void portal.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
