import path from 'node:path';

/** Beside the app's bundle: what `npm run build` bundles from client/web (see build/bundleWebApp.ts). */
export const webAppFilesDir = 'web';

/** The entry page, and the name esbuild gives the chunks it splits off (hashed, so cacheable forever). */
export const webAppEntryFile = 'index.html';
export const webAppChunkPattern = /^chunk-[A-Z0-9]{8}\.js$/;

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The content type of a file the web app may serve, or undefined: one name with no folder, no leading dot,
 * and a known extension, so no request reaches outside the web app's folder.
 */
export function webAppContentType(file: string): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(file)) return undefined;
  return contentTypes[path.extname(file)];
}
