export * from './errors';
export * from './profile';
export * from './profile-file';
export * from './status';
export * from './prompt';
export * from './ipc-names';
export * from './ipc';
export * from './ipc-client';
