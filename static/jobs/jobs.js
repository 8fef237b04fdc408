// Live job events over ws/jobs/, with reconnection and exponential back-off.
// watchJobs(onUpdate) calls onUpdate(job) for every job event of the logged-in user,
// including the snapshot sent on each (re)connect, so a reconnect misses nothing.
import { api } from "../js/api.js";

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);
const listeners = new Set();
const statusListeners = new Set();
const lastSeen = new Map();
let socket = null;
let retry = 0;
let connected = false;

function socketUrl() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws/jobs/`;
}

function deliver(job) {
  lastSeen.set(job.id, job);
  listeners.forEach((fn) => fn(job));
}

function setConnected(value) {
  connected = value;
  statusListeners.forEach((fn) => fn(value));
}

function connect() {
  socket = new WebSocket(socketUrl());
  socket.addEventListener("open", () => { retry = 0; setConnected(true); });
  socket.addEventListener("message", (event) => {
    const data = JSON.parse(event.data);
    if (data.type === "snapshot") data.jobs.forEach(deliver);
    else if (data.type === "job.update") deliver(data.job);
  });
  socket.addEventListener("close", (event) => {
    setConnected(false);
    socket = null;
    if (event.code === 4401) return; // logged out: nothing to watch
    const delay = Math.min(30000, 500 * 2 ** retry) * (0.75 + Math.random() / 2);
    retry += 1;
    setTimeout(() => { if (listeners.size) connect(); }, delay);
  });
}

export function watchJobs(onUpdate) {
  listeners.add(onUpdate);
  if (!socket) connect();
  return () => listeners.delete(onUpdate);
}

export function onConnectionChange(fn) {
  statusListeners.add(fn);
  fn(connected);
}

// Resolves with the finished job (rejects with it when it failed or was cancelled).
// Progress events go to onProgress(job). Falls back to the REST API after a reconnect.
export function watchJob(jobId, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    let settled = false;
    let latest = -1;
    const settle = (job) => {
      // The REST answer may arrive after newer socket events: never go back in time.
      if (settled || (!TERMINAL.has(job.status) && job.progress < latest)) return;
      latest = job.progress;
      onProgress(job);
      if (!TERMINAL.has(job.status)) return;
      settled = true;
      stop();
      (job.status === "succeeded" ? resolve : reject)(job);
    };
    const stop = watchJobs((job) => { if (job.id === jobId) settle(job); });
    const known = lastSeen.get(jobId);
    if (known) settle(known);
    api(`/api/jobs/${jobId}/`).then(settle).catch(() => {});
  });
}

/** The page showing what a succeeded job made (its result's "url"), or null. */
export function resultUrl(job) {
  return job.status === "succeeded" && typeof job.result?.url === "string" ? job.result.url : null;
}

export function isTerminal(job) {
  return TERMINAL.has(job.status);
}

// Fills a progress bar element (div.progress > span) from a job.
export function renderProgress(el, job) {
  if (!el) return;
  el.setAttribute("aria-valuenow", String(job.progress));
  let bar = el.querySelector("span");
  if (!bar) { bar = document.createElement("span"); el.append(bar); }
  bar.style.width = `${job.progress}%`;
  el.closest("[data-status]")?.setAttribute("data-status", job.status);
}
