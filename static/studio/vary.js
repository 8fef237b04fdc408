// Vary page: variations of a saved sketch or of an uploaded MIDI, MusicXML or ABC file (read in the job).
import { formValues, runJob } from "./jobrun.js";
import { initTransport } from "./transport.js";

initTransport();
const form = document.getElementById("vary-form");
const amount = form.elements.amount;
const amountOut = document.getElementById("amount-value");
amount.addEventListener("input", () => (amountOut.textContent = amount.value));

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = form.elements.file.files[0];
  let body;
  if (file) {
    body = new FormData();
    body.append("file", file);
    for (const name of ["amount", "count"]) body.append(name, form.elements[name].value);
  } else {
    body = formValues(form);
    delete body.file;
  }
  const button = form.querySelector("[type=submit]");
  button.disabled = true;
  try {
    await runJob("/api/studio/vary/", body, { panel: document.getElementById("job-panel"), results: document.getElementById("results") });
  } catch {
    // runJob has shown the message
  } finally {
    button.disabled = false;
  }
});
