// Submitting a studio job from a form: HTTP 202, live progress over the jobs WebSocket, then result cards.
import { api } from "../js/api.js";
import { renderProgress, watchJob } from "../jobs/jobs.js";
import { fetchSketches, renderCards } from "./cards.js";

/** Initial cards from the page's embedded JSON. */
export function pageSketches() {
  return JSON.parse(document.getElementById("studio-sketches").textContent);
}

/**
 * POST `body` to `path`, follow the job in `panel` (a .job-panel with .progress, .job-message, .form-error)
 * and render its sketches into `results`. Resolves with the result cards; rejects after showing the error.
 */
export async function runJob(path, body, { panel, results, cardOptions } = {}) {
  const bar = panel.querySelector(".progress");
  const message = panel.querySelector(".job-message");
  const error = panel.querySelector(".form-error");
  error.textContent = "";
  panel.hidden = false;
  renderProgress(bar, { progress: 0, status: "queued" });
  try {
    const accepted = await api(path, { method: "POST", body });
    let finished = false; // watchJob may still report a stale snapshot after the job has finished
    const job = await watchJob(accepted.id, (update) => {
      if (finished) return;
      finished = ["succeeded", "failed", "cancelled"].includes(update.status);
      renderProgress(bar, update);
      message.textContent = update.message || "";
    });
    const sketches = await fetchSketches(job.result.sketch_ids);
    return renderCards(results, sketches, cardOptions);
  } catch (failure) {
    error.textContent = failure.error || failure.message || String(failure);
    throw failure;
  }
}

export function formValues(form) {
  const values = {};
  for (const [name, value] of new FormData(form)) {
    if (value === "") continue;
    const input = form.elements[name];
    // The API takes numbers as JSON numbers: number and range inputs, and selects marked data-number.
    const numeric = input?.type === "number" || input?.type === "range" || input?.dataset?.number !== undefined;
    values[name] = numeric ? Number(value) : value;
  }
  return values;
}
