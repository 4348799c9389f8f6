/** Command-line flag parsing shared by the convlens commands. */
import { parseInputShape } from '../engine/input_shape';

export class UsageError extends Error {}

/** A file that cannot be used as asked: one line, exit status 1 (no usage text: the call was right). */
export class InputFileError extends Error {}

export interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

/** `spec` maps each flag to whether it takes a value; `-o` style short aliases map to long names. */
export function parseArgs(args: string[], spec: Record<string, boolean>, aliases: Record<string, string> = {}): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const rawName = eq > 0 ? a.slice(0, eq) : a;
    const name = aliases[rawName] ?? rawName;
    if (!(name in spec)) throw new UsageError(`unknown option '${rawName}'`);
    if (!spec[name]) {
      flags.set(name, true);
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    flags.set(name, value);
  }
  return { positional, flags };
}

export function shapeFlag(text: string): (number | null)[] {
  const dims = parseInputShape(text);
  if (!dims) throw new UsageError(`--input-shape wants comma-separated sizes such as 224,224,3 (got '${text}')`);
  return dims;
}

export function intFlag(flags: Parsed['flags'], name: string, fallback: number, min = 0): number {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min) throw new UsageError(`${name} wants an integer >= ${min} (got '${v}')`);
  return n;
}
