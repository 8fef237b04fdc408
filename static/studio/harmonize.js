// Harmonise page: alto, tenor and bass under a melody; each voice can be muted or soloed on its card.
import { formValues, runJob } from "./jobrun.js";
import { initTransport } from "./transport.js";

initTransport();
const form = document.getElementById("harmonize-form");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = form.querySelector("[type=submit]");
  button.disabled = true;
  try {
    await runJob("/api/studio/harmonize/", formValues(form), { panel: document.getElementById("job-panel"), results: document.getElementById("results") });
  } catch {
    // runJob has shown the message
  } finally {
    button.disabled = false;
  }
});
