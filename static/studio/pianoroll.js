// A piano roll on a canvas: 16th-step columns, one row per semitone, bar lines and shaded beats of the
// score's metre, the chord symbols in a band above the notes, notes coloured by voice, a playhead, and a
// keyboard strip beside it that names the notes of its rows.
import { noteName } from "./harmony.js";
import { barSteps, beatSteps, totalSteps } from "./metre.js";

export const VOICE_COLOURS = ["#e4572e", "#2e86ab", "#76b041", "#8e5572"];
const BLACK_KEYS = new Set([1, 3, 6, 8, 10]);
const MIN_RANGE = 24;
const CHORD_BAND_PX = 18;

export class PianoRoll {
  /** `score` is a Sketch dict; `options.low`/`options.high` fix the pitch range (else it fits the notes). */
  constructor(canvas, score, options = {}) {
    this.canvas = canvas;
    this.score = score;
    this.options = options;
    this.playhead = null;
    this.muted = new Set(); // voices drawn faded
    this.selected = null; // a note object drawn highlighted
    this.strip = options.strip || null; // a canvas beside the roll for the keyboard
    this.fitRange();
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  fitRange() {
    const pitches = this.score.notes.map((n) => n.pitch);
    let low = this.options.low ?? Math.min(...pitches, 60) - 2;
    let high = this.options.high ?? Math.max(...pitches, 72) + 2;
    if (high - low + 1 < MIN_RANGE) {
      const grow = MIN_RANGE - (high - low + 1);
      low -= Math.floor(grow / 2);
      high += Math.ceil(grow / 2);
    }
    this.low = Math.max(0, low);
    this.high = Math.min(127, high);
  }

  get steps() {
    return totalSteps(this.score);
  }

  /** Height of the chord band above the notes (none without chords). */
  get band() {
    return this.score.chords?.length ? CHORD_BAND_PX : 0;
  }

  /** Size of one step and one semitone row in CSS pixels. */
  cell() {
    const rect = this.canvas.getBoundingClientRect();
    return { w: rect.width / this.steps, h: (rect.height - this.band) / (this.high - this.low + 1), rect };
  }

  /** Canvas coordinates -> {step (fractional), pitch}. */
  at(clientX, clientY) {
    const { w, h, rect } = this.cell();
    return { step: (clientX - rect.left) / w, pitch: this.high - Math.floor((clientY - rect.top - this.band) / h) };
  }

  setPlayhead(step) {
    this.playhead = step;
    this.draw();
  }

  draw() {
    const { w, h, rect } = this.cell();
    if (!rect.width || !rect.height) return;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(rect.width * ratio);
    this.canvas.height = Math.round(rect.height * ratio);
    const g = this.canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    const style = getComputedStyle(this.canvas);
    g.fillStyle = style.getPropertyValue("--roll-bg") || "#fff";
    g.fillRect(0, 0, rect.width, rect.height);
    const top = this.band;
    g.fillStyle = style.getPropertyValue("--roll-black-key") || "#f0f0f0";
    for (let p = this.low; p <= this.high; p++) {
      if (BLACK_KEYS.has(p % 12)) g.fillRect(0, top + (this.high - p) * h, rect.width, h);
    }
    this.drawMetre(g, style, w, rect);
    this.drawChords(g, style, w);
    for (const note of this.score.notes) {
      if (note.pitch < this.low || note.pitch > this.high) continue;
      g.globalAlpha = this.muted.has(note.voice) ? 0.18 : 0.35 + (0.65 * note.velocity) / 127;
      g.fillStyle = VOICE_COLOURS[note.voice % VOICE_COLOURS.length];
      const x = note.start * w;
      const y = top + (this.high - note.pitch) * h;
      g.fillRect(x + 0.5, y + 0.5, Math.max(note.duration * w - 1, 2), Math.max(h - 1, 1.5));
      if (note === this.selected) {
        g.globalAlpha = 1;
        g.strokeStyle = style.getPropertyValue("--roll-select") || "#000";
        g.lineWidth = 2;
        g.strokeRect(x + 1, y + 1, Math.max(note.duration * w - 2, 2), Math.max(h - 2, 1));
      }
    }
    g.globalAlpha = 1;
    this.drawKeyboard(style);
    if (this.playhead !== null) {
      g.strokeStyle = style.getPropertyValue("--roll-playhead") || "#d00";
      g.lineWidth = 2;
      g.beginPath();
      g.moveTo(this.playhead * w, 0);
      g.lineTo(this.playhead * w, rect.height);
      g.stroke();
    }
  }

  /** Every other beat shaded, beat lines, and stronger bar lines, as the metre groups them. */
  drawMetre(g, style, w, rect) {
    const bar = barSteps(this.score);
    const beat = beatSteps(this.score);
    const grid = style.getPropertyValue("--roll-grid") || "#ccc";
    g.fillStyle = grid;
    g.globalAlpha = 0.12;
    for (let s = beat; s < this.steps; s += 2 * beat) g.fillRect(s * w, this.band, beat * w, rect.height - this.band);
    g.strokeStyle = grid;
    for (let s = 0; s <= this.steps; s += beat) {
      const barLine = s % bar === 0;
      g.globalAlpha = barLine ? 1 : 0.45;
      g.lineWidth = barLine ? 1.5 : 1;
      g.beginPath();
      g.moveTo(Math.round(s * w) + 0.5, 0);
      g.lineTo(Math.round(s * w) + 0.5, rect.height);
      g.stroke();
    }
    g.globalAlpha = 1;
  }

  /** The chord symbols in the band above the notes, each from where it starts (where its name fits). */
  drawChords(g, style, w) {
    if (!this.band) return;
    g.fillStyle = style.getPropertyValue("--roll-key-text") || "#333";
    g.font = `${this.band - 5}px system-ui, sans-serif`;
    g.textBaseline = "middle";
    for (const chord of this.score.chords) {
      const room = chord.duration * w - 4;
      if (g.measureText(chord.symbol).width <= room) g.fillText(chord.symbol, chord.start * w + 3, this.band / 2);
    }
  }

  /** The keyboard strip: white and black keys level with the roll's rows, every C named (every
   * white key once the rows are tall enough to read). */
  drawKeyboard(style) {
    if (!this.strip) return;
    const rect = this.strip.getBoundingClientRect();
    if (!rect.width || !rect.height) return;
    const ratio = window.devicePixelRatio || 1;
    this.strip.width = Math.round(rect.width * ratio);
    this.strip.height = Math.round(rect.height * ratio);
    const g = this.strip.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    const top = this.band;
    const h = (rect.height - top) / (this.high - this.low + 1);
    const text = style.getPropertyValue("--roll-key-text") || "#333";
    g.fillStyle = style.getPropertyValue("--roll-white-key") || "#fff";
    g.fillRect(0, 0, rect.width, rect.height);
    g.font = `${Math.min(11, Math.max(8, h - 2))}px system-ui, sans-serif`;
    g.textBaseline = "middle";
    for (let p = this.low; p <= this.high; p++) {
      const y = top + (this.high - p) * h;
      if (BLACK_KEYS.has(p % 12)) {
        g.fillStyle = style.getPropertyValue("--roll-key-black") || "#333";
        g.fillRect(0, y, rect.width * 0.6, h);
      } else if (p % 12 === 0 || h >= 12) {
        g.fillStyle = text;
        g.fillText(noteName(p), rect.width * 0.62, y + h / 2);
      }
      if (p % 12 === 0 || p % 12 === 5) {
        g.fillStyle = style.getPropertyValue("--roll-grid") || "#ccc";
        g.fillRect(0, y + h - 1, rect.width, 1);
      }
    }
  }
}
