// Generate page: sample sketches from a model (a metre, 2-16 bars, optional chords) and show them as cards
// as soon as the job ends.
import { renderCards } from "./cards.js";
import { formValues, pageSketches, runJob } from "./jobrun.js";
import { initTransport } from "./transport.js";

initTransport();
const form = document.getElementById("generate-form");
const results = document.getElementById("results");
renderCards(results, pageSketches());

/** Chorales (the harmony model) are 2 or 4 bars without chords: the form offers only what the model takes. */
function fitModel() {
  const chorale = form.elements.model.value === "gan";
  for (const option of form.elements.bars.options) option.disabled = chorale && Number(option.value) > 4;
  if (chorale && Number(form.elements.bars.value) > 4) form.elements.bars.value = "4";
  form.elements.chords.disabled = chorale;
}
form.elements.model.addEventListener("change", fitModel);
fitModel();

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
