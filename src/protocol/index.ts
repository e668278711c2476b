/** The worker protocol's one import surface (types and envelope guards). */
export * from './messages.ts';
export * from './guards.ts';
export * from './wire.ts';
export * from './wireEncode.ts';
