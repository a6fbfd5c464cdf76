import '@testing-library/jest-dom';

// Component tests drive Material UI with user-event; on a loaded 2-core CI
// machine a single test can take longer than jest's 5 s default.
jest.setTimeout(30_000);
