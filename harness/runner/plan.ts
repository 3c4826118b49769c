import type { Scenario, ScenarioCase, ScenarioClientKind, ScenarioObject, ScenarioUser } from '../scenario/types.js';

/** What one scenario will run: its cases (written, then derived), users and objects. Plain data. */
export interface ScenarioPlan {
  scenario: Scenario;
  cases: ScenarioCase[];
  /** Users to create: the file's, plus any that derived cases need. */
  users: ScenarioUser[];
  /** The file's objects, written before any case runs. */
  objects: ScenarioObject[];
  /**
   * Objects derived cases need, written just before the first derived case: after the file's own
   * cases, so those see exactly the file's objects (and the effects of earlier cases).
   */
  derivedObjects: ScenarioObject[];
  notes: string[];
  /** Which client runs it (absent: node). */
  client?: ScenarioClientKind;
  /** Set when the plan cannot run (its client is missing): the scenario fails with this. */
  unavailable?: string;
}

/** A plan's name in reports: the scenario's, marked when the browser client runs it. */
export function planTitle(plan: ScenarioPlan): string {
  return plan.client === 'browser' ? `${plan.scenario.name} [browser]` : plan.scenario.name;
}
