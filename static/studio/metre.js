// Bars and beats of a score's metre on the 16th grid: 4/4 is 16 steps in beats of 4, 6/8 is 12 steps in
// dotted-quarter beats of 6 (eighths of 2), 3/2 is 24 steps in half-note beats of 8.

/** The metre of a Sketch dict's score ("4/4" for scores saved before metres). */
export function metreOf(score) {
  return score.metre || "4/4";
}

/** 16th steps in one bar. */
export function barSteps(score) {
  const [beats, unit] = metreOf(score).split("/").map(Number);
  return (beats * 16) / unit;
}

/** 16th steps in one beat: a dotted quarter in compound metres (6/8, 9/8, 12/8), else the unit. */
export function beatSteps(score) {
  const [beats, unit] = metreOf(score).split("/").map(Number);
  const compound = unit === 8 && beats % 3 === 0;
  return compound ? 6 : 16 / unit;
}

/** 16th steps of the whole score. */
export function totalSteps(score) {
  return score.bars * barSteps(score);
}
