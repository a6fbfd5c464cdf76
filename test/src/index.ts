/**
 * Shared test infrastructure: real-peer harnesses and stand-ins for Vault and
 * IBM MQ, used by the tests in this package and by the local demo.
 */
export * from './support/tools';
export * from './support/net';
export * from './vault-dev-server';
export * from './qm-simulator';
