export * from './envelope.ts';
export * from './settings.ts';
export * from './registry.ts';
