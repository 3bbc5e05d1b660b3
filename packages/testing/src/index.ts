export * from './infra.ts';
export * from './databases.ts';
export * from './services.ts';
export * from './wait.ts';
export * from './auth.ts';
export * from './http.ts';
export * from './events.ts';
export * from './nats.ts';
