export * from './audit-actions.ts';
export * from './login.ts';
export * from './roles.ts';
export * from './weekly-report-limits.ts';
