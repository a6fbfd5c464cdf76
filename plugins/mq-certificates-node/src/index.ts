/**
 * Node library of the IBM MQ certificate plugins: Vault PKI client, X.509/PEM
 * toolkit, key repositories, deploy targets, MQSC runners, `at` scheduling and
 * the TLS probe.
 *
 * @packageDocumentation
 */

export * from './types';
export * from './commands';
export * from './ssh';
export * from './mqsc';
export * from './vault';
export * from './certificates';
export * from './keystore';
export * from './deploy';
export * from './probe';
export * from './at';
