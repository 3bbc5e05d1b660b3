// The settings tests use the shared component-test helpers: writes go as an admin by default.
export {
  callAs as call,
  eventsFor,
  expectProblem,
  TEST_ADMIN as ADMIN,
  type Body,
  type Reply,
} from '@mercato/testing';
