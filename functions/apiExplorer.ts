import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { notFound } from '../shared/errors/serviceError';
import { apiExplorerAssets, apiExplorerAssetsDir } from './http/apiExplorerAssets';
import { currentConfig } from './http/currentServices';
import { operations } from './http/operations';
import { registerOperation } from './http/registerOperation';
import { folderRedirect } from './http/folderRedirect';
import { Reply } from './http/reply';

/** The one file of ours: points the published page at this API's document, relative to /api/docs/. */
const initializer = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '../openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

// Scripts and styles from this origin only; Swagger UI inlines some styles and draws icons as data URIs.
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};

registerOperation(operations.apiExplorer, async ({ params, request }) => {
  if (!currentConfig().http.apiExplorerEnabled) {
    throw notFound('The API explorer is off (API_EXPLORER_ENABLED).', { code: 'ApiExplorerDisabled' });
  }
  const redirect = folderRedirect(request, params.file);
  if (redirect) return redirect;
  const file = params.file || 'index.html';
  if (file === 'swagger-initializer.js') {
    return new Reply({
      status: 200,
      raw: initializer,
      headers: { 'content-type': 'text/javascript; charset=utf-8', ...securityHeaders },
    });
  }
  const contentType = apiExplorerAssets[file];
  if (!contentType) throw notFound('No such file in the API explorer.', { code: 'NotFound' });
  return new Reply({
    status: 200,
    raw: await readFile(path.join(__dirname, apiExplorerAssetsDir, file)),
    headers: { 'content-type': contentType, 'cache-control': 'public, max-age=3600', ...securityHeaders },
  });
});
