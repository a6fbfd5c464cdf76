export * from './MqCertificatesApi';
export { MqCertificatesClient } from './MqCertificatesClient';
