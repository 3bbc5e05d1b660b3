export { getOrLoad, type Cache, type GetOrLoadOptions } from './cache.ts';
export { createMemoryCache, type MemoryCacheOptions } from './memory-cache.ts';
export { createRedisCache, type RedisCacheOptions } from './redis-cache.ts';
