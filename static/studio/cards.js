// Sketch cards: a piano roll, play/stop, per-voice mute and solo, notation, and the actions on a sketch.
import { api } from "../js/api.js";
import { chordName, soundingAt } from "./harmony.js";
import { metreOf } from "./metre.js";
import { PianoRoll, VOICE_COLOURS } from "./pianoroll.js";
import { player, playerConfig } from "./player.js";
import { showNotation } from "./notation.js";
import { setActive } from "./transport.js";

const T = playerConfig.strings;

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter(Boolean));
  return node;
}

/** A colour square; the colour goes through the CSSOM (the CSP refuses style attributes). */
function swatch(colour) {
  const node = el("i", { class: "swatch" });
  node.style.background = colour;
  return node;
}

/** Who sounds: with any voice soloed only soloed voices; otherwise all voices not muted. */
function audibleFn(state) {
  return (voice) => (state.solo.size ? state.solo.has(voice) : !state.muted.has(voice));
}

function voiceControls(sketch, state, roll) {
  const names = sketch.score.voices;
  if (names.length < 2) return null;
  const box = el("div", { class: "voice-controls", role: "group", "aria-label": T.voices });
  names.forEach((name, voice) => {
    const refresh = () => {
      roll.muted = new Set(names.map((_, v) => v).filter((v) => !audibleFn(state)(v)));
      roll.draw();
      mute.setAttribute("aria-pressed", state.muted.has(voice));
      solo.setAttribute("aria-pressed", state.solo.has(voice));
    };
    const toggle = (set) => () => {
      set.has(voice) ? set.delete(voice) : set.add(voice);
      refresh();
    };
    const mute = el("button", { type: "button", class: "btn btn-small", "data-mute": voice, title: T.mute, "aria-pressed": "false", onclick: toggle(state.muted), text: "M" });
    const solo = el("button", { type: "button", class: "btn btn-small", "data-solo": voice, title: T.solo, "aria-pressed": "false", onclick: toggle(state.solo), text: "S" });
    box.append(el("span", { class: "voice" }, swatch(VOICE_COLOURS[voice]), el("span", { text: T.voiceNames[name] || name }), mute, solo));
  });
  return box;
}

function downloadLinks(sketch) {
  const links = el("span", { class: "downloads" },
    el("a", { class: "btn btn-small", href: sketch.urls.midi, download: "", "data-download": "midi", text: "MIDI" }),
    el("a", { class: "btn btn-small", href: sketch.urls.musicxml, download: "", "data-download": "musicxml", text: "MusicXML" }));
  if (playerConfig.wavUnavailable) {
    links.append(el("button", { type: "button", class: "btn btn-small", disabled: true, title: playerConfig.wavUnavailable, text: "WAV" }),
      el("span", { class: "muted small wav-help", text: playerConfig.wavUnavailable }));
  } else {
    links.append(el("a", { class: "btn btn-small", href: sketch.urls.wav, download: "", "data-download": "wav", text: "WAV" }));
  }
  return links;
}

/** "Melody 1 · C", and " · v2" after it from the second version on. */
export function versionTitle(sketch) {
  return sketch.version > 1 ? `${sketch.title} · v${sketch.version}` : sketch.title;
}

/** A piano roll with its keyboard strip, and under it the key and the chord at `card.readoutStep`. */
function rollFrame(sketch) {
  const canvas = el("canvas", { class: "roll", role: "img", "aria-label": T.pianoRoll });
  const strip = el("canvas", { class: "roll-strip", "aria-hidden": "true" });
  const scroller = el("div", { class: "roll-scroll" }, canvas);
  const readout = el("p", { class: "roll-readout muted small" });
  const roll = new PianoRoll(canvas, sketch.score, { strip });
  roll.showChordAt = (step) => {
    const written = (roll.score.chords || []).find((c) => c.start <= step && step < c.start + c.duration);
    const chord = written?.symbol || chordName(soundingAt(roll.score.notes, step)) || "—";
    readout.textContent = `${T.key}: ${sketch.key} · ${T.chord}: ${chord}`;
  };
  roll.showChordAt(0);
  return { roll, frame: el("div", { class: "roll-frame" }, strip, scroller), readout };
}

/** A card for `sketch` (the API's JSON). `extras(card, sketch)` may add page-specific controls. */
export function sketchCard(sketch, { extras = null, actions = true } = {}) {
  const state = { muted: new Set(), solo: new Set() };
  const card = el("article", { class: "card sketch-card", "data-sketch-id": sketch.id });
  const title = el("h2", { class: "sketch-title", text: versionTitle(sketch) });
  const meta = el("p", { class: "muted small" },
    `${sketch.bars} ${T.bars} · ${metreOf(sketch.score)} · ${sketch.key} · ${Math.round(sketch.tempo)} BPM · ${sketch.note_count} ${T.notes}`);
  const play = el("button", { type: "button", class: "btn btn-primary play", "aria-pressed": "false", text: `▶ ${T.play}` });
  const { roll, frame, readout } = rollFrame(sketch);
  card.append(el("header", { class: "card-head" }, title, el("span", { class: "badge" }, T.origins[sketch.origin] || sketch.origin)), meta, frame, readout);
  card.sketch = sketch;
  card.roll = roll;
  card.audible = audibleFn(state);
  card.togglePlay = () => (player.current?.owner === card ? player.stop() : playCard(card));
  play.addEventListener("click", card.togglePlay);
  const transport = el("div", { class: "sketch-transport" }, play, voiceControls(sketch, state, roll));
  card.append(transport);
  if (actions) {
    const notation = el("div", { class: "notation", hidden: true });
    const bar = el("div", { class: "sketch-actions" });
    if (sketch.is_mine && !sketch.saved) {
      const save = el("button", { type: "button", class: "btn btn-small", "data-action": "save", text: T.save });
      save.addEventListener("click", async () => {
        await api(sketch.urls.self, { method: "PATCH", body: { saved: true } });
        sketch.saved = true;
        save.replaceWith(el("span", { class: "badge", text: T.saved }));
      });
      bar.append(save);
    }
    bar.append(...[
      el("button", { type: "button", class: "btn btn-small", "data-action": "notation", text: T.notation, onclick: () => showNotation(notation, sketch) }),
      el("a", { class: "btn btn-small", href: sketch.urls.notation, "data-action": "full-score", text: T.fullScore }),
      el("a", { class: "btn btn-small", href: `/studio/vary/?sketch=${sketch.id}`, text: T.vary }),
      sketch.voice_count === 1 ? el("a", { class: "btn btn-small", href: `/studio/harmonize/?sketch=${sketch.id}`, text: T.harmonize }) : null,
      el("a", { class: "btn btn-small", href: sketch.urls.page, "data-action": "edit", text: T.edit }),
      downloadLinks(sketch),
    ].filter(Boolean));
    card.append(bar, notation);
  }
  if (extras) extras(card, sketch);
  player.addEventListener("start", (e) => e.detail.owner === card && setPlaying(card, play, true));
  player.addEventListener("stop", (e) => e.detail.owner === card && setPlaying(card, play, false));
  player.addEventListener("position", (e) => {
    if (e.detail.owner !== card) return;
    roll.setPlayhead(e.detail.step);
    roll.showChordAt(Math.floor(e.detail.step));
  });
  return card;
}

function setPlaying(card, button, playing) {
  button.textContent = playing ? `■ ${T.stop}` : `▶ ${T.play}`;
  button.setAttribute("aria-pressed", playing);
  card.classList.toggle("playing", playing);
  if (!playing) card.roll.setPlayhead(null);
}

export function playCard(card) {
  setActive(card);
  return player.play(card.sketch.score, { audible: card.audible, owner: card }).catch(() => {}); // shown by the transport
}

/** Replace the contents of `container` with cards for `sketches`. */
export function renderCards(container, sketches, options) {
  container.replaceChildren(...sketches.map((s) => sketchCard(s, options)));
  return [...container.children];
}

/** The sketches with these ids, in this order. */
export async function fetchSketches(ids) {
  if (!ids.length) return [];
  const page = await api(`/api/studio/sketches/?ids=${ids.join(",")}&saved=all`);
  const byId = new Map(page.results.map((s) => [s.id, s]));
  return ids.map((id) => byId.get(id)).filter(Boolean);
}
