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
  /** From one extra, untimed run: where the load time goes. */
  selfMsByPackage: Record<string, number>;
  modulesByPackage: Record<string, number>;
  /** The same runs with some packages loaded on first use instead (the proposed fix), measured. */
  whatIf: { deferred: string[]; runsMs: number[]; medianMs: number; modules: number };
}

/** Needed only with Entra ID or Key Vault, yet loaded by every start. */
const deferrable = ['@azure/identity', '@azure/keyvault-secrets'];

interface ImportReport {
  importMs: number;
  functions: number;
  modules: number;
  selfMsByPackage?: Record<string, number>;
  modulesByPackage?: Record<string, number>;
}

/** Import time of the compiled function app, each run in a fresh `node` process. */
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
  for (let run = 0; run < runs; run++) reports.push(await once([]));
  const detailed = await once(['--breakdown']);
  const deferredReports: ImportReport[] = [];
  for (let run = 0; run < runs; run++) deferredReports.push(await once(['--defer', deferrable.join(',')]));
  const runsMs = reports.map((report) => report.importMs);
  const deferredMs = deferredReports.map((report) => report.importMs);
  return {
    runsMs,
    medianMs: median(runsMs),
    functions: reports[0]?.functions ?? 0,
    modules: reports[0]?.modules ?? 0,
    selfMsByPackage: detailed.selfMsByPackage ?? {},
    modulesByPackage: detailed.modulesByPackage ?? {},
    whatIf: {
      deferred: deferrable,
      runsMs: deferredMs,
      medianMs: median(deferredMs),
      modules: deferredReports[0]?.modules ?? 0,
    },
  };
}
