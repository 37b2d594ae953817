export { assembleDeps, JobRunner, jobRunnerFor } from "./runner";
export { defineJob, enqueue, type JobDefinition, type JobContext } from "./define";
