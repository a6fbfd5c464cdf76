import fs from 'node:fs';
import YAML from 'yaml';
import { defaultSeed } from './defaultSeed';
import type { VaultSeed } from './seedTypes';

/** Reads a seed file: JSON (`.json`) or YAML (anything else). */
export function readSeedFile(file: string): VaultSeed {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(
      `cannot read seed file ${file}: ${
        (e as NodeJS.ErrnoException).code ?? (e as Error).message
      }`,
    );
  }
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    throw new Error(
      `seed file ${file} is not valid ${
        file.endsWith('.json') ? 'JSON' : 'YAML'
      }: ${(e as Error).message}`,
    );
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(
      `seed file ${file} must hold an object with policies, secrets and auth (see the README)`,
    );
  }
  return doc as VaultSeed;
}

/** A seed object, a seed file path, or the default seed. */
export function resolveSeed(seed: VaultSeed | string | undefined): VaultSeed {
  if (seed === undefined) return defaultSeed();
  return typeof seed === 'string' ? readSeedFile(seed) : seed;
}
