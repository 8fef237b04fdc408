// Interpolate page: K melodies from A to B, and a button that plays them one after another.
import { playCard } from "./cards.js";
import { formValues, runJob } from "./jobrun.js";
import { player } from "./player.js";
import { initTransport } from "./transport.js";

initTransport();
const form = document.getElementById("interpolate-form");
const playAll = document.getElementById("play-all");
let cards = [];
let chain = null; // index of the card playing in a row, or null

player.addEventListener("stop", (event) => {
  if (chain === null || event.detail.owner !== cards[chain]) return;
  if (event.detail.reason === "end" && chain + 1 < cards.length) {
    chain += 1;
    playCard(cards[chain]);
  } else {
    chain = null;
  }
});

playAll.addEventListener("click", () => {
  if (!cards.length) return;
  player.loop = false;
  document.querySelector("#studio-transport [name=loop]").checked = false;
  chain = 0;
  playCard(cards[0]);
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = form.querySelector("[type=submit]");
  button.disabled = true;
  try {
    cards = await runJob("/api/studio/interpolate/", formValues(form), { panel: document.getElementById("job-panel"), results: document.getElementById("results") });
    playAll.hidden = false;
  } catch {
    // runJob has shown the message
  } finally {
    button.disabled = false;
  }
});
