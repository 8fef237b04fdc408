// Names of notes and chords for the piano roll's keyboard strip and its key and chord readout.
const NAMES = ["C", "C♯", "D", "E♭", "E", "F", "F♯", "G", "A♭", "A", "B♭", "B"];
// Interval sets (from the root, in semitones) and the suffix of the chord they make.
const CHORDS = [
  [[0, 4, 7, 11], "maj7"], [[0, 4, 7, 10], "7"], [[0, 3, 7, 10], "m7"], [[0, 3, 6, 10], "m7♭5"], [[0, 3, 6, 9], "dim7"],
  [[0, 4, 7], ""], [[0, 3, 7], "m"], [[0, 3, 6], "dim"], [[0, 4, 8], "aug"], [[0, 5, 7], "sus4"], [[0, 2, 7], "sus2"],
  [[0, 7], "5"],
];

/** "C4" for MIDI 60. */
export function noteName(pitch) {
  return `${NAMES[pitch % 12]}${Math.floor(pitch / 12) - 1}`;
}

/** The chord the pitches make ("Am", "G7", "C/E"), a single note's name, or "" for silence. */
export function chordName(pitches) {
  if (!pitches.length) return "";
  const bass = Math.min(...pitches) % 12;
  const classes = [...new Set(pitches.map((p) => p % 12))];
  if (classes.length === 1) return NAMES[bass];
  for (const [intervals, suffix] of CHORDS) {
    for (const root of classes) {
      const shape = classes.map((c) => (c - root + 12) % 12).sort((a, b) => a - b);
      if (shape.length === intervals.length && shape.every((v, i) => v === intervals[i])) {
        return `${NAMES[root]}${suffix}${root === bass ? "" : `/${NAMES[bass]}`}`;
      }
    }
  }
  return classes.map((c) => NAMES[c]).join("–");
}

/** The pitches sounding at 16th-step `step` of a score's notes. */
export function soundingAt(notes, step) {
  return notes.filter((n) => n.start <= step && step < n.start + n.duration).map((n) => n.pitch);
}
