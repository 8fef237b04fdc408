// The Jobs page: rows update live; new jobs appear at the top; cancel buttons work.
import { api } from "../js/api.js";
import { isTerminal, onConnectionChange, renderProgress, resultUrl, watchJobs } from "./jobs.js";

const body = document.getElementById("jobs-body");
const template = document.getElementById("job-row-template");
const status = document.getElementById("socket-status");
const STATUS_LABELS = {
  queued: gettext("Queued"), running: gettext("Running"), succeeded: gettext("Succeeded"),
  failed: gettext("Failed"), cancelled: gettext("Cancelled"),
};

function rowFor(job) {
  let row = body.querySelector(`tr[data-job-id="${job.id}"]`);
  if (!row) {
    row = template.content.firstElementChild.cloneNode(true);
    row.dataset.jobId = job.id;
    row.querySelector('[data-field="created"]').textContent = new Date(job.created_at).toLocaleString();
    body.querySelector("tr.empty")?.remove();
    body.prepend(row);
  }
  return row;
}

function update(job) {
  const row = rowFor(job);
  row.dataset.status = job.status;
  row.querySelector('[data-field="kind"]').textContent = job.label || job.kind;
  row.querySelector('[data-field="status"]').textContent = STATUS_LABELS[job.status] || job.status;
  row.querySelector('[data-field="message"]').textContent = job.error || job.message || "";
  row.querySelector('[data-field="progress"]').textContent = `${job.progress}%`;
  const link = row.querySelector('[data-field="result"]');
  const url = resultUrl(job);
  link.hidden = !url;
  if (url) link.href = url;
  renderProgress(row.querySelector(".progress"), job);
  row.querySelector("[data-cancel]").hidden = isTerminal(job);
}

body.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-cancel]");
  if (!button) return;
  const id = button.closest("tr").dataset.jobId;
  button.disabled = true;
  try {
    update(await api(`/api/jobs/${id}/cancel/`, { method: "POST" }));
  } catch (error) {
    alert(error.message);
  } finally {
    button.disabled = false;
  }
});

onConnectionChange((live) => {
  status.textContent = live ? status.dataset.connected : status.dataset.disconnected;
});
watchJobs(update);
