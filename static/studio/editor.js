// Edit page: a piano-roll editor. Click to add, drag to move, drag the right edge to resize, double-click
// or Delete to remove, arrows to nudge (Shift+arrows to resize); snap to 16ths, 8ths or beats; undo/redo;
// "Save as new version" keeps the original. On touch screens: press and hold to add, tap a note to pick it
// (the roll then holds still so the note can be dragged), swipe to scroll, + and − to zoom.
import { api } from "../js/api.js";
import { sketchCard } from "./cards.js";
import { pageSketches } from "./jobrun.js";
import { beatSteps, totalSteps } from "./metre.js";
import { player, playerConfig, programsOf } from "./player.js";
import { initTransport } from "./transport.js";

initTransport();
const EDGE_PX = { mouse: 6, pen: 10, touch: 18 };
const LONG_PRESS_MS = 450;
const TOUCH_SLOP_PX = 10;
const ZOOM_STEPS = [0, 12, 16, 24, 32, 48]; // CSS pixels per 16th; 0 fits the roll to the page
const TOUCH_ZOOM = 2; // phones start at 16 px per 16th, a comfortable finger width with the slack below
const sketch = pageSketches()[0];
const score = sketch.score;
const card = sketchCard(sketch, { actions: false });
document.getElementById("editor").append(card);
const roll = card.roll;
const canvas = roll.canvas;
canvas.tabIndex = 0;
canvas.classList.add("editable");
roll.options = { low: Math.min(48, ...score.notes.map((n) => n.pitch - 5)), high: Math.max(84, ...score.notes.map((n) => n.pitch + 5)) };
roll.fitRange();

const controls = document.getElementById("editor-controls");
const snapSelect = controls.querySelector("[name=snap]");
const voiceSelect = controls.querySelector("[name=voice]");
const undoButton = controls.querySelector("[data-undo]");
const redoButton = controls.querySelector("[data-redo]");
const saveButton = controls.querySelector("[data-save]");
const deleteButton = controls.querySelector("[data-delete-note]");
const status = document.getElementById("editor-status");
const undoStack = [];
const redoStack = [];
let lastDuration = 2;
let drag = null; // {note, mode: "move"|"resize", grabStep, grabPitch, origin}
let press = null; // a touch on empty roll that becomes a new note if held: {timer, x, y}
let zoom = window.matchMedia("(pointer: coarse)").matches ? TOUCH_ZOOM : 0;

const snap = () => Number(snapSelect.value);
const snapDown = (step) => Math.floor(step / snap()) * snap();
const total = () => totalSteps(score);
const snapshot = () => JSON.stringify(score.notes);

function remember() {
  undoStack.push(snapshot());
  redoStack.length = 0;
  refresh();
}

function restore(from, to) {
  if (!from.length) return;
  to.push(snapshot());
  score.notes = JSON.parse(from.pop());
  roll.selected = null;
  refresh();
}

function refresh() {
  undoButton.disabled = undoStack.length === 0;
  redoButton.disabled = redoStack.length === 0;
  saveButton.disabled = undoStack.length === 0 || score.notes.length === 0;
  deleteButton.disabled = !roll.selected;
  canvas.classList.toggle("holding", Boolean(roll.selected));
  roll.score = score;
  roll.draw();
  roll.showChordAt(roll.selected ? roll.selected.start : 0);
}

function applyZoom() {
  canvas.style.width = ZOOM_STEPS[zoom] ? `${total() * ZOOM_STEPS[zoom]}px` : "";
  controls.querySelector('[data-zoom="-1"]').disabled = zoom === 0;
  controls.querySelector('[data-zoom="1"]').disabled = zoom === ZOOM_STEPS.length - 1;
  roll.draw();
}

/** The note under a point; a finger also finds one a row or a step away (larger targets for touch). */
function noteAt(step, pitch, pointerType = "mouse") {
  const under = (n, slack, rows) => Math.abs(n.pitch - pitch) <= rows && step >= n.start - slack && step < n.start + n.duration + slack;
  const notes = [...score.notes].reverse();
  return notes.find((n) => under(n, 0, 0)) || (pointerType === "touch" ? notes.find((n) => under(n, 1, 1)) : undefined);
}

function addNote(step, pitch) {
  const note = { pitch, start: snapDown(step), duration: lastDuration, velocity: 90, voice: Number(voiceSelect.value) };
  clampNote(note);
  score.notes.push(note);
  return note;
}

function removeNote(note) {
  remember();
  score.notes.splice(score.notes.indexOf(note), 1);
  roll.selected = null;
  refresh();
}

function clampNote(note) {
  note.duration = Math.max(1, Math.min(note.duration, total()));
  note.start = Math.max(0, Math.min(note.start, total() - note.duration));
  note.pitch = Math.max(roll.low, Math.min(roll.high, note.pitch));
}

/** A touch on empty roll: a new note if held still, a scroll (left to the browser) if it moves. */
function startLongPress(event, step, pitch) {
  if (roll.selected) { // a tap beside the picked note lets go of it, and the roll scrolls again
    roll.selected = null;
    refresh();
    return;
  }
  press = {
    x: event.clientX, y: event.clientY,
    timer: setTimeout(() => {
      press = null;
      remember();
      roll.selected = addNote(step, pitch);
      refresh();
    }, LONG_PRESS_MS),
  };
}

function cancelLongPress() {
  if (press) clearTimeout(press.timer);
  press = null;
}

canvas.addEventListener("pointerdown", (event) => {
  canvas.focus({ preventScroll: true });
  const { step, pitch } = roll.at(event.clientX, event.clientY);
  const hit = noteAt(step, pitch, event.pointerType);
  if (!hit && event.pointerType === "touch") {
    startLongPress(event, step, pitch);
    return;
  }
  remember();
  if (hit) {
    const { w } = roll.cell();
    const edge = (hit.start + hit.duration - step) * w <= (EDGE_PX[event.pointerType] ?? EDGE_PX.mouse);
    drag = { note: hit, mode: edge ? "resize" : "move", grabStep: step, grabPitch: pitch, origin: { ...hit } };
  } else {
    const note = addNote(step, pitch);
    drag = { note, mode: "resize", grabStep: step, grabPitch: pitch, origin: { ...note }, added: true };
  }
  roll.selected = drag.note;
  canvas.setPointerCapture(event.pointerId);
  refresh();
});

canvas.addEventListener("pointermove", (event) => {
  if (press && Math.hypot(event.clientX - press.x, event.clientY - press.y) > TOUCH_SLOP_PX) cancelLongPress();
  const { step, pitch } = roll.at(event.clientX, event.clientY);
  if (!drag) {
    const hit = noteAt(step, pitch);
    const { w } = roll.cell();
    canvas.style.cursor = hit ? ((hit.start + hit.duration - step) * w <= EDGE_PX.mouse ? "ew-resize" : "grab") : "crosshair";
    return;
  }
  const { note, origin } = drag;
  if (drag.mode === "move") {
    note.start = origin.start + Math.round((step - drag.grabStep) / snap()) * snap();
    note.pitch = origin.pitch + (pitch - drag.grabPitch);
  } else {
    note.duration = Math.max(1, Math.ceil((step - origin.start) / snap()) * snap());
  }
  clampNote(note);
  roll.draw();
});

canvas.addEventListener("pointercancel", () => {
  cancelLongPress();
  drag = null;
});

canvas.addEventListener("pointerup", () => {
  cancelLongPress();
  if (!drag) return;
  lastDuration = drag.note.duration;
  if (!drag.added && JSON.stringify(drag.origin) === JSON.stringify(drag.note)) undoStack.pop(); // a click that changed nothing
  drag = null;
  refresh();
});

canvas.addEventListener("dblclick", (event) => {
  const { step, pitch } = roll.at(event.clientX, event.clientY);
  const hit = noteAt(step, pitch);
  if (hit) removeNote(hit);
});

canvas.addEventListener("keydown", (event) => {
  const note = roll.selected;
  const moves = { ArrowUp: [0, 1], ArrowDown: [0, -1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
  if (note && (event.key === "Delete" || event.key === "Backspace")) {
    event.preventDefault();
    removeNote(note);
    return;
  } else if (note && moves[event.key]) {
    const [dStep, dPitch] = moves[event.key];
    remember();
    if (event.shiftKey) note.duration += dStep * snap();
    else {
      note.start += dStep * snap();
      note.pitch += dPitch;
    }
    clampNote(note);
  } else {
    return;
  }
  event.preventDefault();
  refresh();
});

document.addEventListener("keydown", (event) => {
  if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "z" && event.key.toLowerCase() !== "y") return;
  event.preventDefault();
  const redo = event.key.toLowerCase() === "y" || event.shiftKey;
  redo ? restore(redoStack, undoStack) : restore(undoStack, redoStack);
});
undoButton.addEventListener("click", () => restore(undoStack, redoStack));
deleteButton.addEventListener("click", () => roll.selected && removeNote(roll.selected));
controls.querySelectorAll("[data-zoom]").forEach((button) => button.addEventListener("click", () => {
  zoom = Math.max(0, Math.min(ZOOM_STEPS.length - 1, zoom + Number(button.dataset.zoom)));
  applyZoom();
}));
redoButton.addEventListener("click", () => restore(redoStack, undoStack));

saveButton.addEventListener("click", async () => {
  saveButton.disabled = true;
  status.textContent = "";
  try {
    const saved = await api(`${sketch.urls.self}versions/`, { method: "POST", body: { notes: score.notes } });
    window.location.assign(saved.urls.page);
  } catch (error) {
    status.textContent = error.message;
    status.classList.add("error");
    saveButton.disabled = false;
  }
});

if (!sketch.is_mine) {
  saveButton.hidden = true;
  status.textContent = playerConfig.strings.notYours;
}
for (const [i, name] of score.voices.entries()) voiceSelect.append(new Option(playerConfig.strings.voiceNames[name] || name, i));

/** The snap's third choice is one beat of the metre (a dotted quarter in 6/8, a half note in 3/2). */
function beatSnap() {
  const beat = beatSteps(score);
  const option = snapSelect.options[snapSelect.options.length - 1];
  option.value = beat;
  option.textContent = { 4: "1/4", 6: "3/8", 8: "1/2" }[beat] || `${beat}/16`;
}

/** A select per voice choosing its General MIDI instrument; the choice sounds at once and is kept. */
function instrumentSelects() {
  const box = document.getElementById("instruments");
  const programs = programsOf(score);
  score.voices.forEach((name, voice) => {
    const select = document.createElement("select");
    select.className = "input";
    select.name = `program-${voice}`;
    for (const [program, label] of playerConfig.instruments) select.append(new Option(label, program));
    if (![...select.options].some((o) => Number(o.value) === programs[voice])) select.append(new Option(`GM ${programs[voice] + 1}`, programs[voice]));
    select.value = programs[voice];
    select.addEventListener("change", async () => {
      score.programs = programsOf(score);
      score.programs[voice] = Number(select.value);
      if (player.current) player.setPrograms(score);
      if (!sketch.is_mine) return;
      try {
        await api(sketch.urls.self, { method: "PATCH", body: { programs: score.programs } });
        status.textContent = playerConfig.strings.savedChanges;
        status.classList.remove("error");
      } catch (error) {
        status.textContent = error.message;
        status.classList.add("error");
      }
    });
    const label = document.createElement("label");
    label.append(`${playerConfig.strings.voiceNames[name] || name} `, select);
    box.append(label);
  });
}

beatSnap();
instrumentSelects();
applyZoom();
refresh();
