// The transport bar every studio page has: tempo, loop, sound output (SoundFont or Web MIDI), stop,
// and the space bar, which plays or stops the sketch last touched.
import { player, playerConfig } from "./player.js";

let active = null;

export function setActive(card) {
  if (active) active.classList.remove("active");
  active = card;
  card.classList.add("active");
}

function typingIn(target) {
  return target.closest("input, textarea, select, [contenteditable]") !== null;
}

/** Web MIDI asks the musician for permission, so it is requested only when they press the button. */
function initMidi(button, select) {
  if (!navigator.requestMIDIAccess) {
    button.disabled = true;
    button.title = playerConfig.strings.noMidi;
    return;
  }
  let outputs = [];
  button.addEventListener("click", async () => {
    outputs = await player.midiOutputs();
    select.querySelectorAll("option[data-midi]").forEach((o) => o.remove());
    for (const output of outputs) {
      const option = new Option(output.name, output.id);
      option.dataset.midi = "1";
      select.append(option);
    }
    button.title = outputs.length ? "" : playerConfig.strings.noMidi;
    if (!outputs.length) button.textContent = playerConfig.strings.noMidiShort;
  });
  select.addEventListener("change", () => {
    player.stop();
    player.output = outputs.find((o) => o.id === select.value) || null;
  });
}

export function initTransport() {
  const bar = document.getElementById("studio-transport");
  if (!bar) return;
  const tempo = bar.querySelector("[name=tempo]");
  const loop = bar.querySelector("[name=loop]");
  tempo.addEventListener("change", () => {
    const bpm = Number(tempo.value);
    if (bpm >= 30 && bpm <= 300) player.setTempo(bpm);
  });
  loop.addEventListener("change", () => (player.loop = loop.checked));
  bar.querySelector("[data-stop]").addEventListener("click", () => player.stop());
  player.addEventListener("start", () => (tempo.value = Math.round(player.tempo)));
  const audio = bar.querySelector("[data-audio-state]");
  player.addEventListener("error", (event) => {
    audio.dataset.audioState = "error";
    audio.textContent = event.detail.message;
    audio.classList.add("error");
  });
  player.addEventListener("audio", (event) => {
    audio.dataset.audioState = event.detail.state;
    audio.textContent = playerConfig.strings.audioStates[event.detail.state] || event.detail.state;
  });
  initMidi(bar.querySelector("[data-midi-connect]"), bar.querySelector("[name=output]"));
  document.addEventListener("keydown", (event) => {
    if (event.code !== "Space" || typingIn(event.target) || event.target.closest("button, a")) return;
    event.preventDefault();
    if (player.playing) player.stop();
    else (active || document.querySelector(".sketch-card"))?.togglePlay();
  });
  // Warm the synth while the musician reads the page, so the first Play sounds at once.
  const warm = () => player.prepare().catch(() => {}); // the error is shown in the transport bar
  if ("requestIdleCallback" in window) requestIdleCallback(warm, { timeout: 2000 });
  else setTimeout(warm, 500);
}
