/**
 * Backend plugin of the IBM MQ certificate plugins (plugin id
 * `mq-certificates`): rotation state, REST API, refresh jobs with
 * verification and rollback, fleet probing.
 *
 * @packageDocumentation
 */

export * from './database/MqCertificatesStore';
export { DatabaseMqCertificatesStore } from './database/DatabaseMqCertificatesStore';
