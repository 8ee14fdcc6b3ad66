/**
 * The files of swagger-ui-dist the API explorer serves, by name, with their content types. The build
 * copies exactly these into the deployed app's `explorer/` folder (there is no node_modules in Azure); the
 * function serves them from there and nothing else.
 */
export const apiExplorerAssets: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/** Beside the app's bundle. */
export const apiExplorerAssetsDir = 'explorer';
