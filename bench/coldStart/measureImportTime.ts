import { localAudience } from '../../local/startLocalStack';
import { firstJsonLine, type ChildProcessGroup } from '../childProcessGroup';
import { hostEnvironment, type HostIdentity } from '../hostProcess';
import { repoPaths, repoRoot } from '../repoPaths';
import { median } from './median';

export interface ImportTime {
  runsMs: number[];
  medianMs: number;
  functions: number;
  /** Module files in the require cache once the app is loaded. */
  modules: number;
  /** From one extra, untimed run of the unbundled app: where its load time goes, by package. */
  selfMsByPackage: Record<string, number>;
  modulesByPackage: Record<string, number>;
  /** The same app as tsc leaves it, each import resolved through node_modules: the bundle's gain, measured. */
  unbundled: { main: string; runsMs: number[]; medianMs: number; modules: number };
}

/** The app before `npm run build` bundles it: tsc's output, one file per module. */
const unbundledMain = 'dist/functions/*.js';

interface ImportReport {
  importMs: number;
  functions: number;
  modules: number;
  selfMsByPackage?: Record<string, number>;
  modulesByPackage?: Record<string, number>;
}

/** Import time of the function app as deployed (the bundle), each run in a fresh `node` process. */
export async function measureImportTime(
  group: ChildProcessGroup,
  identity: HostIdentity,
  runs: number,
): Promise<ImportTime> {
  // The app reads its settings when it loads, as in Azure: give it the ones the host would.
  const env = {
    ...hostEnvironment(identity),
    AUTH_ISSUER: `http://localhost:${identity.port}/dev`,
    AUTH_AUDIENCE: localAudience,
  };
  const once = async (args: string[]) => {
    const child = group.spawnNode({
      name: 'import-app',
      cwd: repoRoot,
      env,
      args: [repoPaths.importFunctionApp, ...args],
    });
    const report = await firstJsonLine<ImportReport>(child);
    await child.stop();
    return report;
  };
  const reports: ImportReport[] = [];
  const unbundledReports: ImportReport[] = [];
  // Interleaved, so that other load on the machine falls on both alike.
  for (let run = 0; run < runs; run++) {
    reports.push(await once([]));
    unbundledReports.push(await once(['--main', unbundledMain]));
  }
  const detailed = await once(['--main', unbundledMain, '--breakdown']);
  const runsMs = reports.map((report) => report.importMs);
  const unbundledMs = unbundledReports.map((report) => report.importMs);
  return {
    runsMs,
    medianMs: median(runsMs),
    functions: reports[0]?.functions ?? 0,
    modules: reports[0]?.modules ?? 0,
    selfMsByPackage: detailed.selfMsByPackage ?? {},
    modulesByPackage: detailed.modulesByPackage ?? {},
    unbundled: {
      main: unbundledMain,
      runsMs: unbundledMs,
      medianMs: median(unbundledMs),
      modules: unbundledReports[0]?.modules ?? 0,
    },
  };
}
