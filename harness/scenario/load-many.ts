import { ScenarioError } from './errors.js';
import { loadScenarioFile } from './load.js';
import type { LoadOptions } from './load.js';
import type { Scenario } from './types.js';

export interface LoadedScenarios {
  /** The files that loaded, in the order given. */
  scenarios: Scenario[];
  /** One entry per rejected file: its issues, one `file:line:col: message` per line. */
  errors: string[];
  /** How many files were rejected. */
  rejectedFiles: number;
}

/** Loads every file (all of them, so one run reports every bad file at once). */
export async function loadScenarioFiles(files: readonly string[], options: LoadOptions = {}): Promise<LoadedScenarios> {
  const scenarios: Scenario[] = [];
  const errors: string[] = [];
  for (const file of files) {
    try {
      scenarios.push(await loadScenarioFile(file, options));
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      errors.push(error.format());
    }
  }
  return { scenarios, errors, rejectedFiles: errors.length };
}
