import { installSourceMappedStacks } from './sourceMappedStacks';

/**
 * The deployable app's entry file (dist/app/main.js, package.json `main`). It loads the bundle after
 * the stack mapping is in place, so the app's first error already names its TypeScript source.
 */
installSourceMappedStacks();
// The bundle beside this file (see functionAppLayout); a plain require, kept out of this file's bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./app.js');
