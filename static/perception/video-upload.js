// Video upload page: send the file to the API, follow the job, cancel it, open the report.
import { api } from "../js/api.js";
import { renderProgress, watchJob, watchJobs } from "../jobs/jobs.js";

const form = document.getElementById("video-form");
const panel = document.getElementById("video-job");
const message = document.getElementById("video-job-message");
const errorBox = document.getElementById("video-form-error");
const submit = document.getElementById("video-analyze");
const cancelButton = document.getElementById("video-cancel");
let currentJob = null;

function showError(text) {
  errorBox.textContent = text;
  errorBox.hidden = !text;
}

function cancel(jobId) {
  return api(`/api/jobs/${jobId}/cancel/`, { method: "POST" }).catch((err) => showError(err.message));
}

function follow(job) {
  currentJob = job;
  panel.hidden = false;
  const bar = panel.querySelector(".progress");
  const update = (j) => {
    renderProgress(bar, j);
    message.textContent = j.message || form.dataset.msgQueued;
  };
  update(job);
  watchJob(job.id, update)
    .then((done) => { window.location.assign(done.result.url); })
    .catch((j) => {
      panel.hidden = true;
      submit.disabled = false;
      showError(j.status === "cancelled" ? form.dataset.msgCancelled : j.error || form.dataset.msgFailed);
    });
}

form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  showError("");
  const file = form.querySelector("input[type=file]").files[0];
  if (!file) { form.submit(); return; }  // let the server explain what is missing
  if (file.size > Number(form.dataset.maxBytes)) { showError(form.dataset.msgTooBig); return; }
  submit.disabled = true;
  panel.hidden = false;
  message.textContent = form.dataset.msgUploading;
  try {
    follow(await api(form.dataset.api, { method: "POST", body: new FormData(form) }));
  } catch (err) {
    panel.hidden = true;
    submit.disabled = false;
    showError(err.message);
  }
});

cancelButton?.addEventListener("click", () => { if (currentJob) cancel(currentJob.id); });

// Analyses already running when the page loaded.
const rows = new Map([...document.querySelectorAll("[data-running-job]")].map((li) => [li.dataset.runningJob, li]));
if (rows.size) {
  watchJobs((job) => {
    const li = rows.get(job.id);
    if (!li) return;
    renderProgress(li.querySelector("[data-job-progress]"), job);
    li.querySelector("[data-job-message]").textContent = job.error || job.message;
    if (job.status === "succeeded") window.location.reload();
  });
  document.querySelectorAll("[data-cancel-job]").forEach((button) => {
    button.addEventListener("click", () => cancel(button.dataset.cancelJob));
  });
}

document.querySelectorAll("form[data-confirm]").forEach((f) => {
  f.addEventListener("submit", (event) => { if (!window.confirm(f.dataset.confirm)) event.preventDefault(); });
});
