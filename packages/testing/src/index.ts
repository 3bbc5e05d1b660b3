export * from './infra.ts';
export * from './databases.ts';
