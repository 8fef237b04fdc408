// Vary page: variations of a saved sketch or of an uploaded MIDI, MusicXML or ABC file (read in the job):
// which voice to vary, and optionally the chords to vary over (typed, or suggested for the sketch).
import { api } from "../js/api.js";
import { formValues, runJob } from "./jobrun.js";
import { playerConfig } from "./player.js";
import { initTransport } from "./transport.js";

initTransport();
const T = playerConfig.strings;
const UPLOAD_VOICES = 4; // an upload's voices are known once the job has read it: offer the first four lines
const form = document.getElementById("vary-form");
const amount = form.elements.amount;
const amountOut = document.getElementById("amount-value");
const voiceSelect = form.elements.voice;
const suggestButton = form.querySelector("[data-suggest-chords]");
const chordsStatus = document.getElementById("chords-status");
let chosen = null; // the picked sketch (the API's JSON)
amount.addEventListener("input", () => (amountOut.textContent = amount.value));

function listVoices(names) {
  voiceSelect.replaceChildren(...names.map((name, i) => new Option(name, i)));
}

async function pickSketch() {
  const id = form.elements.sketch.value;
  chosen = null;
  suggestButton.disabled = true;
  if (!id) {
    listVoices([T.voiceNames.melody]);
    return;
  }
  chosen = await api(`/api/studio/sketches/${id}/`);
  listVoices(chosen.score.voices.map((name) => T.voiceNames[name] || name));
  suggestButton.disabled = false;
}

form.elements.sketch.addEventListener("change", () => pickSketch().catch((error) => (chordsStatus.textContent = error.message)));
form.elements.file.addEventListener("change", () => {
  if (!form.elements.file.files.length) return pickSketch();
  listVoices(Array.from({ length: UPLOAD_VOICES }, (_, i) => T.voiceNumber.replace("{n}", i + 1)));
  suggestButton.disabled = true;
});

suggestButton.addEventListener("click", async () => {
  if (!chosen) return;
  suggestButton.disabled = true;
  chordsStatus.textContent = T.suggesting;
  try {
    const suggestion = await api(chosen.urls.chords);
    form.elements.chords.value = suggestion.chords;
    chordsStatus.textContent = "";
  } catch (error) {
    chordsStatus.textContent = error.message;
  } finally {
    suggestButton.disabled = false;
  }
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = form.elements.file.files[0];
  let body;
  if (file) {
    body = new FormData();
    body.append("file", file);
    for (const name of ["amount", "count", "voice", "chords"]) body.append(name, form.elements[name].value);
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
if (form.elements.sketch.value) pickSketch().catch((error) => (chordsStatus.textContent = error.message));
