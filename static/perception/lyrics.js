// Lyric report page while the analysis runs: follow the job, then show the report.
import { watchJob, renderProgress } from "../jobs/jobs.js";

const box = document.getElementById("lyric-job");
if (box && box.dataset.jobId) {
  const bar = box.querySelector("[data-job-progress]");
  const message = document.getElementById("job-message");
  const error = document.getElementById("job-error");
  const show = (job) => {
    renderProgress(bar, job);
    if (job.message) message.textContent = job.message;
  };
  watchJob(box.dataset.jobId, show)
    .then(() => window.location.reload())
    .catch((job) => {
      error.hidden = false;
      error.textContent = (job && job.error) || gettext("The analysis failed.");
      box.dataset.status = (job && job.status) || "failed";
    });
}
