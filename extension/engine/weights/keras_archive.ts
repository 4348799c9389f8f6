/**
 * A `.keras` archive: a zip holding config.json, metadata.json and model.weights.h5. Entry sizes
 * are checked from the zip directory before anything is inflated.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { readHead, WeightFileError } from './h5_file';

export function isZip(file: string): boolean {
  const head = readHead(file, 4);
  return head.length === 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

export interface KerasArchive {
  /** config.json as text, when present. */
  config: string | null;
  /** model.weights.h5, when present. */
  weights: Uint8Array | null;
}

/** Reads the entries ConvLens uses; refuses archives whose entries would inflate past `maxBytes`. */
export function readKerasArchive(file: string, maxBytes: number): KerasArchive {
  const label = path.basename(file);
  const size = statSync(file).size;
  if (size > maxBytes) throw new WeightFileError(`${label} is ${mb(size)}, more than the memory budget of ${mb(maxBytes)}`);
  const bytes = new Uint8Array(readFileSync(file));
  let declared = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (e) => {
        if (e.name !== 'config.json' && e.name !== 'model.weights.h5') return false;
        declared += e.originalSize;
        if (declared > maxBytes) throw new WeightFileError(`${label} would inflate to more than the memory budget of ${mb(maxBytes)} (${e.name} declares ${mb(e.originalSize)})`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof WeightFileError) throw e;
    throw new WeightFileError(`${label} is not a readable .keras archive (${(e as Error).message}); is it truncated?`);
  }
  const config = entries['config.json'] ? new TextDecoder().decode(entries['config.json']) : null;
  const weights = entries['model.weights.h5'] ?? null;
  if (!config && !weights) throw new WeightFileError(`${label} is a zip without config.json or model.weights.h5: not a .keras archive`);
  return { config, weights };
}

export function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`;
}
