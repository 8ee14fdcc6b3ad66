/** One request of a load: when it started and ended, in the order the load saw them (a sequence number). */
export interface LoadRequest<T> {
  worker: number;
  result: T;
  startedSeq: number;
  endedSeq: number;
}

export interface BackToBackLoad<T> {
  /** Resolves once every worker has completed `count` more requests that started after this call. */
  afterEachWorker(count: number): Promise<void>;
  /** The sequence number of this moment: requests that start later have a greater startedSeq. */
  mark(): number;
  /** Stops starting requests and resolves when the last one ended. */
  stop(): Promise<{ done: LoadRequest<T>[]; failures: unknown[] }>;
}

/**
 * `workers` callers, each sending requests back to back until stopped. Progress is counted in requests,
 * not time, so a test steps through phases (warm up, change something, let the load move on) with no
 * timer and no sleep, whatever the machine's speed.
 */
export function backToBackLoad<T>(workers: number, work: (worker: number) => Promise<T>): BackToBackLoad<T> {
  let seq = 0;
  let stopping = false;
  const done: LoadRequest<T>[] = [];
  const failures: unknown[] = [];
  /** Every request that ended, failed or not: progress counts both. */
  const ended: Array<{ worker: number; startedSeq: number }> = [];
  const waiters = new Set<() => void>();
  const runs = Array.from({ length: workers }, async (_, worker) => {
    while (!stopping) {
      const startedSeq = ++seq;
      try {
        const result = await work(worker);
        done.push({ worker, result, startedSeq, endedSeq: ++seq });
      } catch (error) {
        failures.push(error);
        seq++;
      }
      ended.push({ worker, startedSeq });
      waiters.forEach((check) => check());
    }
  });
  return {
    mark: () => seq,
    afterEachWorker(count) {
      const from = seq;
      return new Promise<void>((resolve) => {
        const check = () => {
          const finished = (worker: number) =>
            ended.filter((request) => request.worker === worker && request.startedSeq > from).length;
          if (Array.from({ length: workers }, (_, worker) => finished(worker) >= count).every(Boolean)) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
      });
    },
    async stop() {
      stopping = true;
      await Promise.all(runs);
      return { done, failures };
    },
  };
}
