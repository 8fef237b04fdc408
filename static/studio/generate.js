// Generate page: sample sketches from a model and show them as cards as soon as the job ends.
import { renderCards } from "./cards.js";
import { formValues, pageSketches, runJob } from "./jobrun.js";
import { initTransport } from "./transport.js";

initTransport();
const form = document.getElementById("generate-form");
const results = document.getElementById("results");
renderCards(results, pageSketches());

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = form.querySelector("[type=submit]");
  button.disabled = true;
  performance.mark("studio:generate-click");
  try {
    await runJob("/api/studio/generate/", formValues(form), { panel: document.getElementById("job-panel"), results });
    performance.measure("studio:click-to-playable", "studio:generate-click");
  } catch {
    // runJob has shown the message
  } finally {
    button.disabled = false;
  }
});
performance.mark("studio:interactive");
