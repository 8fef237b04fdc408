// Video report page: keyframe timeline bound to the player, and small inline-SVG charts.
const report = JSON.parse(document.getElementById("video-report").textContent);
const shots = report.shots || [];
const duration = report.duration || 1;
const player = document.getElementById("video-player");
const SVG = "http://www.w3.org/2000/svg";

function svg(width, height) {
  const el = document.createElementNS(SVG, "svg");
  el.setAttribute("viewBox", `0 0 ${width} ${height}`);
  el.setAttribute("role", "img");
  return el;
}

// A chart's text alternative: a sentence under it that also names the drawing for screen readers.
function describe(host, chart, sentence) {
  const summary = document.createElement("p");
  summary.id = `${host.id}-summary`;
  summary.className = "chart-summary muted";
  summary.textContent = sentence;
  chart.setAttribute("aria-labelledby", summary.id);
  host.append(summary);
}

function add(parent, name, attrs, text) {
  const el = document.createElementNS(SVG, name);
  Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
  if (text !== undefined) el.textContent = text;
  parent.append(el);
  return el;
}

// The analyser names scenes in English ("stage", "group 2"): shown in the reader's language.
const SCENES = {
  stage: gettext("stage"), studio: gettext("studio"), street: gettext("street"), nature: gettext("nature"),
  crowd: gettext("crowd"), "close-up": gettext("close-up"),
};

function sceneLabel(label) {
  const group = /^group (\d+)$/.exec(label || "");
  if (group) return interpolate(gettext("group %(number)s"), { number: group[1] }, true);
  return SCENES[label] || label;
}

function clock(seconds) {
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, "0")}`;
}

function seek(seconds) {
  player.currentTime = seconds + 0.001;
  player.play().catch(() => {});
}

// --- keyframe timeline (thumbnails come from one JPEG strip) and a proportional shot bar
const timeline = document.getElementById("keyframe-timeline");
const tile = report.keyframe_tile_width || 160;
const tileHeight = report.keyframe_tile_height || 90;
// How a shot was entered, in the reader's language (reports made before transitions had kinds: nothing).
function entered(shot) {
  if (!shot.entered_by) return "";
  const key = `entered${shot.entered_by[0].toUpperCase()}${shot.entered_by.slice(1)}`;
  return ` · ${timeline.dataset[key] || shot.entered_by}`;
}

const buttons = shots.map((shot, i) => {
  const b = document.createElement("button");
  b.type = "button";
  b.dataset.shot = String(i);
  b.style.width = `${tile}px`;
  b.style.height = `${tileHeight}px`;
  b.style.backgroundImage = `url("${timeline.dataset.strip}")`;
  b.style.backgroundPosition = `-${i * tile}px 0`;
  b.title = `${timeline.dataset.labelShot} ${i + 1}: ${clock(shot.start)}–${clock(shot.end)} · ${sceneLabel(shot.label)}${entered(shot)}`;
  if (shot.entered_by) b.dataset.entered = shot.entered_by;
  b.setAttribute("aria-label", b.title);
  const time = document.createElement("span");
  time.className = "kf-time";
  time.textContent = clock(shot.start);
  b.append(time);
  b.addEventListener("click", () => seek(shot.start));
  timeline.append(b);
  return b;
});

const bar = document.getElementById("shot-bar");
shots.forEach((shot) => {
  const span = document.createElement("span");
  span.style.width = `${(100 * (shot.end - shot.start)) / duration}%`;
  span.style.background = shot.palette[0]?.hex || "#888";
  span.addEventListener("click", () => seek(shot.start));
  bar.append(span);
});

player.addEventListener("timeupdate", () => {
  const t = player.currentTime;
  const current = shots.findIndex((s) => t >= s.start && t < s.end);
  buttons.forEach((b, i) => b.setAttribute("aria-current", String(i === current)));
  if (current >= 0 && buttons[current].getAttribute("data-seen") !== "1") {
    buttons.forEach((b) => b.removeAttribute("data-seen"));
    buttons[current].setAttribute("data-seen", "1");
    buttons[current].scrollIntoView({ block: "nearest", inline: "nearest" });
  }
});

// --- shot lengths: one bar per shot, in order
(function shotLengths() {
  const host = document.getElementById("shot-length-chart");
  const W = 800, H = 180, pad = 28;
  const chart = svg(W, H);
  const longest = Math.max(...shots.map((s) => s.end - s.start), 0.1);
  const w = (W - pad) / Math.max(shots.length, 1);
  shots.forEach((s, i) => {
    const len = s.end - s.start;
    const h = ((H - pad) * len) / longest;
    const rect = add(chart, "rect", { x: pad + i * w + 1, y: H - pad - h + 4, width: Math.max(1, w - 2), height: h,
      fill: s.palette[0]?.hex || "#888", stroke: "#0003", "data-shot": i });
    add(rect, "title", {}, `#${i + 1}: ${len.toFixed(2)} ${host.dataset.unit}`);
    rect.style.cursor = "pointer";
    rect.addEventListener("click", () => seek(s.start));
  });
  add(chart, "text", { x: 0, y: 12, class: "chart-axis" }, `${longest.toFixed(1)} ${host.dataset.unit}`);
  add(chart, "line", { x1: pad, x2: W, y1: H - pad + 4, y2: H - pad + 4, stroke: "#9aa3ad" });
  add(chart, "text", { x: pad, y: H - 6, class: "chart-axis" }, "1");
  add(chart, "text", { x: W - 20, y: H - 6, class: "chart-axis" }, String(shots.length));
  host.append(chart);
  const lengths = shots.map((s) => s.end - s.start);
  describe(host, chart, interpolate(gettext("%(shots)s shots: the longest lasts %(longest)s s, the shortest %(shortest)s s, %(average)s s on average."), {
    shots: shots.length, longest: longest.toFixed(1), shortest: Math.min(...lengths, longest).toFixed(1),
    average: (lengths.reduce((a, b) => a + b, 0) / Math.max(lengths.length, 1)).toFixed(1),
  }, true));
})();

// --- beat grid against cuts, on a time axis
(function beatsAndCuts() {
  const host = document.getElementById("beat-chart");
  const W = 800, H = 90;
  const chart = svg(W, H);
  const x = (t) => (W * t) / duration;
  const beats = report.beats || [];
  if (!beats.length) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = host.dataset.empty;
    host.append(p);
  }
  beats.forEach((b) => add(chart, "line", { x1: x(b), x2: x(b), y1: 10, y2: 70, stroke: "#9aa3ad", "stroke-width": 1 }));
  (report.cuts || []).forEach((c) => {
    const onBeat = beats.some((b) => Math.abs(b - c) <= 0.08 + 1e-9);
    const line = add(chart, "line", { x1: x(c), x2: x(c), y1: 0, y2: 80, "stroke-width": 3,
      stroke: beats.length ? (onBeat ? "#2fa58a" : "#d2452f") : "#d2452f", "data-cut": c });
    add(line, "title", {}, clock(c));
  });
  for (let t = 0; t <= duration; t += Math.max(1, Math.round(duration / 8))) {
    add(chart, "text", { x: Math.min(x(t), W - 28), y: H - 1, class: "chart-axis" }, clock(t));
  }
  host.append(chart);
  const cuts = report.cuts || [];
  const onBeat = cuts.filter((c) => beats.some((b) => Math.abs(b - c) <= 0.08 + 1e-9)).length;
  describe(host, chart, interpolate(gettext("%(beats)s beats and %(cuts)s cuts; %(on_beat)s of the cuts fall on a beat."), {
    beats: beats.length, cuts: cuts.length, on_beat: beats.length ? onBeat : 0,
  }, true));
})();

// --- faces per shot along the time axis
(function faces() {
  const host = document.getElementById("faces-chart");
  const W = 800, H = 80;
  const chart = svg(W, H);
  const most = Math.max(1, ...shots.map((s) => s.faces));
  shots.forEach((s, i) => {
    const h = ((H - 16) * s.faces) / most;
    const rect = add(chart, "rect", { x: (W * s.start) / duration, y: H - 14 - h, height: h,
      width: Math.max(1, (W * (s.end - s.start)) / duration - 1), fill: "#7b5bb5", "data-shot": i });
    add(rect, "title", {}, `#${i + 1}: ${s.faces} ${host.dataset.label}`);
  });
  add(chart, "line", { x1: 0, x2: W, y1: H - 14, y2: H - 14, stroke: "#9aa3ad" });
  add(chart, "text", { x: 0, y: H - 2, class: "chart-axis" }, "0:00.0");
  add(chart, "text", { x: W - 44, y: H - 2, class: "chart-axis" }, clock(duration));
  host.append(chart);
  describe(host, chart, interpolate(gettext("Faces appear in %(with_faces)s of %(shots)s shots, at most %(most)s at once."), {
    with_faces: shots.filter((s) => s.faces > 0).length, shots: shots.length, most: Math.max(0, ...shots.map((s) => s.faces)),
  }, true));
})();

// --- palettes with brightness and motion per shot
(function palettes() {
  const list = document.getElementById("palettes");
  shots.forEach((s, i) => {
    const li = document.createElement("li");
    const head = document.createElement("span");
    head.textContent = `#${i + 1} · ${clock(s.start)}${entered(s)} · ${sceneLabel(s.label)} · ${list.dataset.brightness} ${Math.round(100 * s.brightness)}% · ${list.dataset.saturation} ${Math.round(100 * (s.saturation ?? 0))}% · ${list.dataset.motion} ${(100 * s.motion).toFixed(1)}`;
    const sw = document.createElement("div");
    sw.className = "swatches";
    s.palette.forEach((c) => {
      const span = document.createElement("span");
      span.style.background = c.hex;
      span.style.flex = String(c.share);
      span.title = `${c.hex} ${Math.round(100 * c.share)}%`;
      sw.append(span);
    });
    li.append(head, sw);
    list.append(li);
  });
})();

document.querySelectorAll("form[data-confirm]").forEach((f) => {
  f.addEventListener("submit", (event) => { if (!window.confirm(f.dataset.confirm)) event.preventDefault(); });
});
