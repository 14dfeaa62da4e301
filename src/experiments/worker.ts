/** Worker-thread entry: runs replications of registered experiments for the runner's pool. */
import { parentPort } from "node:worker_threads";
import { findExperiment } from "./registry";
import { runJob, type Job, type JobResult } from "./runner";

parentPort!.on("message", (msg: { index: number; job: Job }) => {
  const exp = findExperiment(msg.job.experiment);
  const result: JobResult = exp
    ? runJob(exp, msg.job, msg.index)
    : { index: msg.index, error: `experiment '${msg.job.experiment}' is not registered` };
  parentPort!.postMessage(result);
});
