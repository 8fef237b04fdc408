// Site-wide: when a job the page saw running finishes, a notice says so and opens its result.
// Jobs already finished when the page loaded (the snapshot) are not announced again.
import { isTerminal, resultUrl, watchJobs } from "./jobs.js";

const region = document.getElementById("job-notices");
const seenActive = new Set();

function notice(job) {
  const item = document.createElement("div");
  item.className = `job-notice job-notice-${job.status}`;
  item.dataset.jobId = job.id;
  const text = document.createElement("span");
  const url = resultUrl(job);
  if (job.status === "succeeded") {
    text.textContent = interpolate(gettext("%s is ready."), [job.label || job.kind]);
  } else {
    text.textContent = interpolate(gettext("%s did not finish."), [job.label || job.kind]);
  }
  const link = document.createElement("a");
  link.href = url || region.dataset.jobsUrl;
  link.textContent = url ? gettext("Open the result") : gettext("See the jobs page");
  const close = document.createElement("button");
  close.type = "button";
  close.className = "btn btn-small btn-icon";
  close.setAttribute("aria-label", gettext("Dismiss"));
  close.textContent = "×";
  close.addEventListener("click", () => item.remove());
  item.append(text, " ", link, close);
  region.append(item);
}

if (region) {
  watchJobs((job) => {
    if (!isTerminal(job)) { seenActive.add(job.id); return; }
    if (!seenActive.delete(job.id) || job.status === "cancelled") return;
    notice(job);
  });
}
