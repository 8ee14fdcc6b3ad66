import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { notFound } from '../shared/errors/serviceError';
import { currentConfig } from './http/currentServices';
import { operations } from './http/operations';
import { registerOperation } from './http/registerOperation';
import { folderRedirect } from './http/folderRedirect';
import { Reply } from './http/reply';
import { webAppChunkPattern, webAppContentType, webAppEntryFile, webAppFilesDir } from './http/webAppFiles';

// Scripts and styles from this origin only. The page talks to this API, to Entra (MSAL: fetch, and a hidden
// frame for silent sign-in) and, with a real ACS resource, to ACS's media and signalling services.
const securityHeaders = {
  'content-security-policy': [
    "default-src 'self'",
    "connect-src 'self' https: wss:",
    'frame-src https:',
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function webAppEnabled(): void {
  if (!currentConfig().webApp.enabled) {
    throw notFound('The web app is off (WEB_APP_ENABLED).', { code: 'WebAppDisabled' });
  }
}

registerOperation(operations.webAppSettings, async () => {
  webAppEnabled();
  const { signIn, media } = currentConfig().webApp;
  return new Reply({ status: 200, body: { signIn, media }, headers: { 'cache-control': 'no-cache' } });
});

registerOperation(operations.webApp, async ({ params, request }) => {
  webAppEnabled();
  const redirect = folderRedirect(request, params.file);
  if (redirect) return redirect;
  const file = params.file || webAppEntryFile;
  const contentType = webAppContentType(file);
  const raw = contentType
    ? await readFile(path.join(__dirname, webAppFilesDir, file)).catch(() => undefined)
    : undefined;
  if (!contentType || !raw) throw notFound('No such file in the web app.', { code: 'NotFound' });
  return new Reply({
    status: 200,
    raw,
    headers: {
      'content-type': contentType,
      'cache-control': webAppChunkPattern.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...securityHeaders,
    },
  });
});
