export { parsePem, toPem, type PemBlock } from './pem';
export {
  parseCertificateBundle,
  parseCertificates,
  type CertificateBundle,
} from './bundle';
export { parsePrivateKeyBlock, keyMatchesCertificate } from './privateKey';
export {
  summarizeCertificate,
  fingerprintSha256,
  formatDistinguishedName,
  subjectAltNames,
  describeKey,
} from './summary';
export {
  orderChain,
  assertChainComplete,
  isSelfSigned,
  type OrderedChain,
  type OrderChainOptions,
} from './chain';
export { readKeyIdentifiers, type KeyIdentifiers } from './extensions';
export {
  createCertificate,
  type CertificateTemplate,
} from './certificateBuilder';
