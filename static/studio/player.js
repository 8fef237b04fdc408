// The studio's one player: General MIDI SoundFont sound (spessasynth in an AudioWorklet) or a Web MIDI
// output, each voice on its own channel with its General MIDI program, a look-ahead scheduler on the
// audio clock, live tempo, loop, and a playhead in 16th steps.
import { WorkletSynthesizer } from "spessasynth_lib";
import { totalSteps } from "./metre.js";

const LOOKAHEAD = 0.1; // seconds of notes handed to the synth ahead of the audio clock
const TICK_MS = 25;
const START_DELAY = 0.05;
const config = JSON.parse(document.getElementById("studio-config").textContent);
const DRUM_CHANNEL = 9;

/** The MIDI channel of a voice (channel 10, General MIDI's drums, skipped), as in the WAV render. */
function channelOf(voice) {
  return voice < DRUM_CHANNEL ? voice : Math.min(voice + 1, 15);
}

/** The General MIDI program of each voice of a Sketch dict's score: its own, else the voice's default. */
export function programsOf(score) {
  return score.voices.map((name, i) => score.programs?.[i] ?? config.defaultPrograms[name] ?? 0);
}

class Player extends EventTarget {
  constructor() {
    super();
    this.context = null;
    this.synth = null;
    this.output = null; // a Web MIDI output, or null for the built-in SoundFont
    this.loop = false;
    this.tempo = null; // BPM of the current playback
    this.current = null; // {score, audible, startTime, nextStep, stepDur}
    this._loading = null;
    this._timer = null;
    this._frame = null;
  }

  /** Create the audio context and load the SoundFont once (resolves when the synth can sound). */
  prepare() {
    if (!this._loading) {
      this._loading = this._load().catch((error) => {
        this._loading = null;
        this._emit("error", { message: error.message });
        throw error;
      });
    }
    return this._loading;
  }

  async _load() {
    this.context = new AudioContext({ latencyHint: "interactive" });
    if (!this.context.audioWorklet) throw new Error(config.strings.needsSecureContext);
    this.context.addEventListener("statechange", () => this._emit("audio", { state: this.context.state }));
    const [bank] = await Promise.all([
      fetch(config.soundfontUrl).then((r) => {
        if (!r.ok) throw new Error(`SoundFont: HTTP ${r.status}`);
        return r.arrayBuffer();
      }),
      this.context.audioWorklet.addModule(config.processorUrl),
    ]);
    this.gain = new GainNode(this.context);
    this.gain.connect(this.context.destination);
    this.synth = new WorkletSynthesizer(this.context);
    this.synth.connect(this.gain);
    await this.synth.soundBankManager.addSoundBank(bank, "gm");
    await this.synth.isReady;
    performance.mark("studio:sound-ready");
  }

  get playing() {
    return this.current !== null;
  }

  /** Play `score` (a Sketch dict); `audible(voice)` says whether a voice sounds (mute/solo). */
  async play(score, { audible = () => true, owner = null } = {}) {
    this.stop();
    await this.prepare();
    await this.context.resume();
    this.gain.gain.cancelScheduledValues(this.context.currentTime);
    this.gain.gain.setValueAtTime(1, this.context.currentTime);
    this.tempo = score.tempo;
    this.setPrograms(score);
    const stepDur = 60 / this.tempo / 4;
    this.current = { score, audible, owner, stepDur, nextStep: 0, startTime: this.context.currentTime + START_DELAY };
    this._tick();
    this._timer = setInterval(() => this._tick(), TICK_MS);
    this._frame = requestAnimationFrame(() => this._draw());
    this._emit("start");
  }

  /** Give each voice's channel its instrument (on the SoundFont synth or the Web MIDI output). */
  setPrograms(score) {
    programsOf(score).forEach((program, voice) => {
      const channel = channelOf(voice);
      if (this.output) this.output.send([0xc0 | channel, program]);
      else this.synth.programChange(channel, program);
    });
  }

  /** Stop; listeners get `reason` "user" or "end" (the sketch played to its end). */
  stop(reason = "user") {
    if (!this.current) return;
    clearInterval(this._timer);
    cancelAnimationFrame(this._frame);
    const owner = this.current.owner;
    this.current = null;
    const now = this.context.currentTime;
    // Notes already handed to the synth for the next LOOKAHEAD seconds are silenced, then cut.
    this.gain.gain.setValueAtTime(0, now);
    this.synth.stopAll(true);
    setTimeout(() => {
      if (!this.current) this.synth.stopAll(true);
    }, (LOOKAHEAD + 0.05) * 1000);
    this.gain.gain.setValueAtTime(1, now + LOOKAHEAD + 0.06);
    if (this.output) for (let ch = 0; ch < 16; ch++) this.output.send([0xb0 | ch, 123, 0]);
    this._emit("stop", { owner, reason });
  }

  /** Change the tempo now, keeping the playhead where it is. */
  setTempo(bpm) {
    this.tempo = bpm;
    const cur = this.current;
    if (!cur) return;
    const now = this.context.currentTime;
    const position = (now - cur.startTime) / cur.stepDur;
    cur.stepDur = 60 / bpm / 4;
    cur.startTime = now - position * cur.stepDur;
  }

  /** Move the playhead to 16th step `step` while playing (notes already handed to the synth are cut). */
  seek(step) {
    const cur = this.current;
    if (!cur) return;
    const total = totalSteps(cur.score);
    const target = Math.max(0, Math.min(step, total));
    this.synth.stopAll(true);
    cur.startTime = this.context.currentTime + START_DELAY - target * cur.stepDur;
    cur.nextStep = Math.ceil(target);
    cur.wrapped = false;
  }

  /** The playhead in 16th steps (fractional), or null when stopped. */
  position() {
    const cur = this.current;
    if (!cur) return null;
    const latency = this.output ? 0 : this.context.outputLatency || this.context.baseLatency || 0;
    const step = (this.context.currentTime - latency - cur.startTime) / cur.stepDur;
    const total = totalSteps(cur.score);
    if (step < 0) return cur.wrapped ? total + step : 0; // startTime moves a look-ahead early at the loop point
    return this.loop ? step % total : Math.min(step, total);
  }

  _tick() {
    const cur = this.current;
    if (!cur) return;
    const total = totalSteps(cur.score);
    const horizon = this.context.currentTime + LOOKAHEAD;
    while (cur.startTime + cur.nextStep * cur.stepDur < horizon) {
      if (cur.nextStep >= total) {
        if (!this.loop) {
          if (this.context.currentTime > cur.startTime + total * cur.stepDur + 0.3) this.stop("end");
          return;
        }
        cur.startTime += total * cur.stepDur;
        cur.nextStep = 0;
        cur.wrapped = true;
      }
      const t = cur.startTime + cur.nextStep * cur.stepDur;
      for (const note of cur.score.notes) {
        if (note.start === cur.nextStep && cur.audible(note.voice)) this._note(note, t, t + note.duration * cur.stepDur);
      }
      cur.nextStep += 1;
    }
  }

  _note(note, on, off) {
    const channel = channelOf(note.voice);
    if (this.output) {
      const toMs = (t) => performance.now() + (t - this.context.currentTime) * 1000;
      this.output.send([0x90 | channel, note.pitch, note.velocity], toMs(on));
      this.output.send([0x80 | channel, note.pitch, 0], toMs(off) - 1);
      return;
    }
    this.synth.noteOn(channel, note.pitch, note.velocity, { time: on });
    this.synth.noteOff(channel, note.pitch, { time: off - 0.005 });
  }

  _draw() {
    if (!this.current) return;
    this._emit("position", { owner: this.current.owner, step: this.position() });
    this._frame = requestAnimationFrame(() => this._draw());
  }

  _emit(type, detail = { owner: this.current?.owner }) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /** Web MIDI outputs, or [] where the browser has no Web MIDI (or the musician declined). */
  async midiOutputs() {
    if (!navigator.requestMIDIAccess) return [];
    try {
      const access = await navigator.requestMIDIAccess();
      return [...access.outputs.values()];
    } catch {
      return [];
    }
  }
}

export const player = new Player();
export const playerConfig = config;
