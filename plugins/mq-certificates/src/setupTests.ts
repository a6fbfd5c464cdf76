import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Component tests drive Material UI with user-event; on a loaded 2-core CI
// machine a single test can take longer than jest's 5 s default.
jest.setTimeout(30_000);

// Extensions of the new frontend system load lazily; findBy* waits 1 s by
// default, which a loaded CI machine can exceed before the first render.
configure({ asyncUtilTimeout: 15_000 });
