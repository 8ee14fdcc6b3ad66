/**
 * A probe that fails with a reason of ours that is safe to show anyone (no URL, key, tenant or message
 * of a dependency): health reports it as the check's detail.
 */
export class HealthProbeFailure extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'HealthProbeFailure';
  }
}
