export * from './rate-limit';
export * from './memory-counter';
export * from './postgres-counter';
