export { KeystoreReadError, type KeystoreReadProblem } from './errors';
export {
  generateKeystorePassword,
  validateKeystorePassword,
  strongPasswordProblems,
} from './password';
export { caCertificateLabel } from './labels';
export { encodeGskitStash } from './stash';
export {
  Pkcs12KeystoreFormat,
  buildPkcs12,
  inspectPkcs12,
} from './pkcs12/Pkcs12KeystoreFormat';
export {
  PKCS12_PROFILES,
  DEFAULT_PKCS12_PROFILE,
  pkcs12Profile,
  type Pkcs12Profile,
  type Pkcs12ProfileName,
} from './pkcs12/profiles';
export {
  CmsKdbKeystoreFormat,
  KeystoreBuildError,
  type CmsKdbKeystoreOptions,
} from './kdb/CmsKdbKeystoreFormat';
export { LocalCommandWorkspace } from './kdb/LocalCommandWorkspace';
export {
  TargetCommandWorkspace,
  type TargetCommandWorkspaceOptions,
} from './kdb/TargetCommandWorkspace';
export { parseCertList, type ListedCertificate } from './kdb/certList';
export {
  readPkcs12,
  type Pkcs12Contents,
  type BagAttributes,
} from './pkcs12/reader';
