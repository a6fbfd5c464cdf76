export {
  createDeployTarget,
  listDeployTargetNames,
} from './createDeployTarget';
export {
  FileSystemDeployTarget,
  type FileSystemDeployTargetOptions,
} from './FileSystemDeployTarget';
export { LocalTargetFileSystem } from './LocalTargetFileSystem';
export { SftpTargetFileSystem } from './SftpTargetFileSystem';
export type { TargetFileStat, TargetFileSystem } from './TargetFileSystem';
export type { FileOwnerSetting } from './fileOwner';
export {
  KEY_REPOSITORY_SUFFIXES,
  newRevisionId,
  validateRevisionId,
} from './revisions';
export { validateRelativePath, validateRootFolder } from './targetPaths';
