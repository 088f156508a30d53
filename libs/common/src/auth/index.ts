export * from './decorators';
export * from './key-resolver';
export * from './principal';
export * from './token-auth';
export * from './access-request-readers';
export * from './spaced-refresh';
