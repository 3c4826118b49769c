import type { Scenario, ScenarioCase, ScenarioObject, ScenarioUser } from '../scenario/types.js';

/** What one scenario will run: its cases (written, then derived), users and objects. Plain data. */
export interface ScenarioPlan {
  scenario: Scenario;
  cases: ScenarioCase[];
  /** Users to create: the file's, plus any that derived cases need. */
  users: ScenarioUser[];
  /** Objects to write before the cases: the file's, plus any that derived cases need. */
  objects: ScenarioObject[];
  notes: string[];
}
