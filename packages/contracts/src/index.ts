export * from './envelope.ts';
export * from './identity.ts';
export * from './settings.ts';
export * from './registry.ts';
export * from './catalog.ts';
export * from './inventory.ts';
export * from './review.ts';
