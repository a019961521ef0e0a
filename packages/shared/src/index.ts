export * from './login.ts';
export * from './roles.ts';
