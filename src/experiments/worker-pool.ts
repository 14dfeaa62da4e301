/**
 * A pool of worker threads kept for the life of the process, shared by every run: a notebook or a claim check that
 * runs many small sweeps pays the workers' start-up once. Workers are referenced only while a run is in progress,
 * so an idle pool never keeps the process alive.
 * Jobs from concurrent runs share one FIFO queue; each run collects its own results by index.
 */
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { Job, JobResult } from "./runner";

interface Pending {
  job: Job;
  index: number;
  run: RunState;
}

interface RunState {
  results: JobResult[];
  remaining: number;
  done: number;
  total: number;
  onProgress?: (done: number, total: number) => void;
  resolve: (r: JobResult[]) => void;
  reject: (e: Error) => void;
  failed: boolean;
}

class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private readonly script = path.join(__dirname, "worker.js");
  private activeRuns = 0;

  run(jobs: Job[], nWorkers: number, onProgress?: (done: number, total: number) => void): Promise<JobResult[]> {
    while (this.workers.length < nWorkers) this.spawn();
    if (this.activeRuns++ === 0) for (const w of this.workers) w.ref();
    const settled = () => {
      if (--this.activeRuns === 0) for (const w of this.workers) w.unref();
    };
    return new Promise<JobResult[]>((resolve, reject) => {
      const run: RunState = {
        results: new Array(jobs.length),
        remaining: jobs.length,
        done: 0,
        total: jobs.length,
        onProgress,
        resolve: (r) => {
          settled();
          resolve(r);
        },
        reject: (e) => {
          settled();
          reject(e);
        },
        failed: false,
      };
      jobs.forEach((job, index) => this.queue.push({ job, index, run }));
      this.dispatch(nWorkers);
    });
  }

  private spawn(): void {
    const w = new Worker(this.script);
    w.on("message", (r: JobResult) => {
      const p = this.busy.get(w)!;
      this.busy.delete(w);
      this.idle.push(w);
      const run = p.run;
      if (!run.failed) {
        run.results[p.index] = r;
        run.done++;
        run.onProgress?.(run.done, run.total);
        if (--run.remaining === 0) run.resolve(run.results);
      }
      this.dispatch(this.workers.length);
    });
    w.on("error", (e) => {
      // A crashed worker fails the run it was serving; the others carry on with a replacement.
      const p = this.busy.get(w);
      this.busy.delete(w);
      this.workers.splice(this.workers.indexOf(w), 1);
      if (p && !p.run.failed) {
        p.run.failed = true;
        p.run.reject(e);
      }
      this.spawn();
      this.dispatch(this.workers.length);
    });
    // After the listeners (adding a 'message' listener refs the worker again); referenced while runs are active.
    if (this.activeRuns === 0) w.unref();
    this.workers.push(w);
    this.idle.push(w);
  }

  private dispatch(limit: number): void {
    while (this.idle.length > 0 && this.queue.length > 0 && this.busy.size < limit) {
      const p = this.queue.shift()!;
      if (p.run.failed) continue;
      const w = this.idle.pop()!;
      this.busy.set(w, p);
      w.postMessage({ index: p.index, job: p.job });
    }
  }
}

let shared: WorkerPool | null = null;

/** Runs jobs on the shared pool with at most `nWorkers` at a time; results come back in job order. */
export function runOnWorkers(
  jobs: Job[],
  nWorkers: number,
  onProgress?: (done: number, total: number) => void,
): Promise<JobResult[]> {
  shared ??= new WorkerPool();
  return shared.run(jobs, nWorkers, onProgress);
}
