/** Worker-thread entry: runs replications of registered experiments (or of a module's own) for the runner's pool. */
import { parentPort } from "node:worker_threads";
import type { AnyExperiment } from "./experiment";
import { loadExperiment } from "./module-loader";
import { findExperiment } from "./registry";
import { runJob, type Job, type JobResult } from "./runner";

function experimentOf(job: Job): AnyExperiment | string {
  if (job.module !== undefined) {
    try {
      return loadExperiment(job.module, job.experiment);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }
  return findExperiment(job.experiment) ?? `experiment '${job.experiment}' is not registered`;
}

parentPort!.on("message", (msg: { index: number; job: Job }) => {
  const exp = experimentOf(msg.job);
  const result: JobResult =
    typeof exp === "string" ? { index: msg.index, error: exp } : runJob(exp, msg.job, msg.index);
  parentPort!.postMessage(result);
});
