/**
 * The `convlens.*` settings, typed (the rust-analyzer way): one reader for the whole editor. The
 * defaults live in package.json only: the editor's configuration falls back to them.
 */
import * as vscode from 'vscode';
import { parseInputShape } from '../engine/input_shape';

/** Every setting of package.json's `contributes.configuration`, with its type there. */
export const SETTINGS = {
  'inlayHints.enabled': 'boolean',
  defaultInputShape: 'string',
  'analysis.debounceMs': 'number',
  seed: 'number',
  memoryBudgetMB: 'number',
  threads: 'number',
} as const;

type TypeOf<T> = T extends 'boolean' ? boolean : T extends 'number' ? number : string;
export type Settings = { [K in keyof typeof SETTINGS]: TypeOf<(typeof SETTINGS)[K]> };

/**
 * Editor analyses do less work than the CLI's (1M steps), so a pathological file holds the worker
 * (and the hovers queued behind it) briefly; the largest keras.applications models need 50k.
 * Counted in steps, so every machine gets the same answer. The time safety net is wider than the
 * CLI's: the worker keeps typing free, and a busy machine must not cut a model short.
 */
export const EDITOR_LIMITS = { maxSteps: 200_000, maxMillis: 3000 };

export class Config {
  private get<K extends keyof Settings>(key: K): Settings[K] {
    // No default here: the configuration answers package.json's default for a setting left unset.
    return vscode.workspace.getConfiguration('convlens').get<Settings[K]>(key) as Settings[K];
  }

  get inlayHints(): boolean {
    return this.get('inlayHints.enabled');
  }

  get debounceMs(): number {
    return Math.max(0, this.get('analysis.debounceMs'));
  }

  /** The input shape for models that declare none (or declare None axes); undefined when unset or unreadable. */
  get defaultInputShape(): (number | null)[] | undefined {
    return parseInputShape(this.get('defaultInputShape')) ?? undefined;
  }

  get defaultInputShapeText(): string {
    return this.get('defaultInputShape');
  }

  get seed(): number {
    return this.get('seed');
  }

  get memoryBudgetMB(): number {
    return this.get('memoryBudgetMB');
  }

  get threads(): number {
    return this.get('threads');
  }

  async setDefaultInputShape(text: string): Promise<void> {
    await vscode.workspace.getConfiguration('convlens').update('defaultInputShape', text, vscode.ConfigurationTarget.Workspace);
  }

  /** What the live analysis needs. */
  analysisOptions(): { limits: typeof EDITOR_LIMITS; defaultInputShape: (number | null)[] | undefined } {
    return { limits: EDITOR_LIMITS, defaultInputShape: this.defaultInputShape };
  }

  /** What runs and exports need, so they see the shapes the hovers show. */
  jobSettings(): { seed: number; batch: number; memoryBudgetMB: number; threads: number; defaultInputShape: (number | null)[] | undefined } {
    return { seed: this.seed, batch: 1, memoryBudgetMB: this.memoryBudgetMB, threads: this.threads, defaultInputShape: this.defaultInputShape };
  }
}

export const config = new Config();

export function affectsConfig(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('convlens');
}
