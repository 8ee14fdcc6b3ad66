import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Stack frames in the bundled app point at the TypeScript sources (`shared/tokens/x.ts:41:7`), read
 * from the source map beside each bundled file. Node's own switch (`--enable-source-maps`, or
 * `process.setSourceMapsEnabled`) reads and parses every map while its file loads, which cost this app
 * about 25 ms of CPU on every cold start (Node 20, 2-CPU machine, measured against the same bundle
 * without it); here a map is read the first time a stack through its file is formatted, and most cold
 * starts never format one.
 */
type MappedFile = { map: SourceMap; folder: string } | null;

const mappedFiles = new Map<string, MappedFile>();
const shownPaths = new Map<string, string>();

function mappedFile(file: string): MappedFile {
  let mapped = mappedFiles.get(file);
  if (mapped === undefined) {
    mapped = null;
    const mapFile = `${file}.map`;
    if (!file.startsWith('node:') && path.isAbsolute(file) && existsSync(mapFile)) {
      try {
        const payload = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload;
        mapped = { map: new SourceMap(payload), folder: path.dirname(mapFile) };
      } catch {
        // A map that cannot be read leaves the frame as it is.
      }
    }
    mappedFiles.set(file, mapped);
  }
  return mapped;
}

/**
 * Where the source is on this machine when it is there (a local run: the path opens in an editor), else
 * as the repository names it (in Azure, where only the bundle is deployed).
 */
function shownPath(folder: string, source: string): string {
  const key = `${folder}\0${source}`;
  let shown = shownPaths.get(key);
  if (shown === undefined) {
    const absolute = source.startsWith('file:') ? fileURLToPath(source) : path.resolve(folder, source);
    shown = existsSync(absolute) ? absolute : source.replace(/^(?:\.\.\/)+/, '');
    shownPaths.set(key, shown);
  }
  return shown;
}

function mappedFrame(callSite: NodeJS.CallSite): string {
  const frame = callSite.toString();
  const file = callSite.getFileName();
  const line = callSite.getLineNumber();
  const column = callSite.getColumnNumber();
  if (!file || line === null || column === null) return frame;
  const mapped = mappedFile(file);
  if (!mapped) return frame;
  const entry = mapped.map.findEntry(line - 1, column - 1);
  if (!('originalSource' in entry)) return frame;
  const original = `${shownPath(mapped.folder, entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  const location = `${file}:${line}:${column}`;
  const at = frame.lastIndexOf(location);
  return at < 0 ? frame : `${frame.slice(0, at)}${original}${frame.slice(at + location.length)}`;
}

function header(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
}

/** Node's own default (Node 20 and later define one), or none at all. */
function isDefaultFormatter(formatter: unknown): boolean {
  return (
    formatter === undefined ||
    (typeof formatter === 'function' && formatter.name === 'ErrorPrepareStackTrace')
  );
}

/**
 * Installs the mapping for the whole process, unless something else already formats stacks (a test
 * runner with its own source-map support, say), which is then left alone.
 */
export function installSourceMappedStacks(): void {
  if (!isDefaultFormatter(Error.prepareStackTrace)) return;
  Error.prepareStackTrace = (error, callSites) =>
    `${header(error)}${callSites.map((callSite) => `\n    at ${mappedFrame(callSite)}`).join('')}`;
}
