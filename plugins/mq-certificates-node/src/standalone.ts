/*
 * The certificate and PKCS#12 code without the rest of the package (SSH,
 * Vault, MQSC clients): for short-lived processes that must start fast, such
 * as the runmqakm stand-in in the test package, which runs once per command.
 */
export * from './certificates';
export { readPkcs12, KeystoreReadError } from './keystore';
