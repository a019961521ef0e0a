export * from './app-frames.ts';
export * from './audit-actions.ts';
export * from './extension-identity.ts';
export * from './input-shape.ts';
export * from './login.ts';
export * from './roles.ts';
export * from './weekly-report-limits.ts';
