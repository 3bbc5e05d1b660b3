export { defineSaga, done, waitFor, StepFailure } from './saga-definition.ts';
export type {
  SagaDefinition,
  SagaFailure,
  SagaHistoryEntry,
  SagaState,
  SagaStatus,
  SagaStep,
  StepContext,
  StepResult,
} from './saga-definition.ts';
export { createSagaEngine } from './saga-engine.ts';
export type { SagaEngine, SagaEngineOptions } from './saga-engine.ts';
export { SAGA_DEFAULTS } from './saga-runner.ts';
