export {
  deriveCases,
  DERIVED_PASSWORD,
  PROBE_BODY,
  type DerivedActor,
  type DerivedActorRole,
  type DerivedCases,
} from './derive.js';
export {
  decide,
  parsePaths,
  hasOwnerToken,
  OWNER_TOKEN,
  ENTITY_KEY,
  PROBE_ACTIONS,
  type AccessDecision,
  type AccessSubject,
  type Grant,
  type PathEntry,
  type ProbeAction,
} from './access.js';
