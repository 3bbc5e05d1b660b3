export * from './infra.ts';
export * from './databases.ts';
export * from './services.ts';
export * from './wait.ts';
