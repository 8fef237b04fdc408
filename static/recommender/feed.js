// The feed: infinite scroll over /api/feed/, like / dislike / not interested buttons that post events
// (the next page is computed with them: online fold-in on the server), and previews played in the page
// by the studio's SoundFont player (one at a time, with stop and a scrubber).
import { api } from "../js/api.js";
import { player } from "../studio/player.js";

const list = document.getElementById("feed");
const status = document.getElementById("feed-status");
const template = document.getElementById("feed-item-template");
const strings = JSON.parse(document.getElementById("feed-i18n").textContent);
let session = null;
let loading = false;
let finished = false;

function render(item) {
  const node = template.content.firstElementChild.cloneNode(true);
  node.dataset.itemId = item.id;
  const title = node.querySelector('[data-field="title"]');
  title.textContent = item.title;
  title.href = `/feed/items/${item.id}/`;
  node.querySelector('[data-field="creator"]').textContent = item.creator || "";
  node.querySelector('[data-field="kind"]').textContent = strings.kinds[item.kind] || item.kind;
  node.querySelector('[data-field="reason"]').textContent = item.reason || "";
  node.querySelector('[data-field="tags"]').textContent = (item.tag_labels || item.tags || []).join(" · ");
  const midi = node.querySelector('[data-field="midi"]');
  if (item.audio_url) {
    midi.href = item.audio_url;
    midi.hidden = false;
  }
  const open = node.querySelector('[data-field="open"]');
  if (item.url) {
    open.href = item.url;
    open.hidden = false;
  }
  if (item.preview_url) initPreview(node, item);
  node.querySelectorAll("[data-event]").forEach((button) => {
    button.addEventListener("click", () => react(node, item.id, button.dataset.event, button));
  });
  return node;
}

function initPreview(node, item) {
  const box = node.querySelector('[data-field="player"]');
  const play = box.querySelector("[data-play]");
  const stop = box.querySelector("[data-stop]");
  const scrubber = box.querySelector("[data-scrubber]");
  let score = null;
  box.hidden = false;
  play.addEventListener("click", async () => {
    if (player.current?.owner === node) return;
    play.disabled = true;
    try {
      score = score || (await api(item.preview_url));
      scrubber.max = score.bars * 16;
      await player.play(score, { owner: node });
      send(item.id, "play").catch(() => {});
    } catch (error) {
      status.textContent = error.message || strings.noPreview;
      play.disabled = false;
    }
  });
  stop.addEventListener("click", () => player.stop());
  scrubber.addEventListener("input", () => player.seek(Number(scrubber.value)));
  node.previewControls = { play, stop, scrubber };
}

// One player for the page: whichever item plays shows its state; starting another stops it.
player.addEventListener("start", (event) => {
  const controls = event.detail.owner?.previewControls;
  if (!controls) return;
  event.detail.owner.classList.add("playing");
  controls.play.setAttribute("aria-pressed", "true");
  controls.play.disabled = true;
  controls.stop.disabled = false;
  controls.scrubber.disabled = false;
});
player.addEventListener("stop", (event) => {
  const controls = event.detail.owner?.previewControls;
  if (!controls) return;
  event.detail.owner.classList.remove("playing");
  controls.play.setAttribute("aria-pressed", "false");
  controls.play.disabled = false;
  controls.stop.disabled = true;
  controls.scrubber.disabled = true;
  controls.scrubber.value = 0;
});
player.addEventListener("position", (event) => {
  const controls = event.detail.owner?.previewControls;
  if (controls && event.detail.step !== null) controls.scrubber.value = Math.floor(event.detail.step);
});
player.addEventListener("error", (event) => (status.textContent = event.detail.message));

async function send(itemId, kind) {
  return api("/api/events/", { method: "POST", body: { events: [{ item: itemId, kind }] } });
}

async function react(node, itemId, kind, button) {
  button.disabled = true;
  try {
    await send(itemId, kind);
    if (kind === "like") {
      button.setAttribute("aria-pressed", "true");
      button.textContent = strings.liked;
      node.classList.add("liked");
    } else {
      node.classList.add("hidden-item");
      node.querySelector('[data-field="reason"]').textContent = strings.hidden;
    }
  } catch (error) {
    status.textContent = error.message;
    button.disabled = false;
  }
}

async function loadPage() {
  if (loading || finished) return;
  loading = true;
  status.textContent = strings.loading;
  try {
    const url = session ? `/api/feed/?session=${encodeURIComponent(session)}` : "/api/feed/";
    const page = await api(url);
    session = page.session;
    const marker = document.createElement("li");
    marker.className = "feed-page-marker";
    marker.dataset.page = page.page;
    list.append(marker);
    page.results.forEach((item) => list.append(render(item)));
    if (!page.results.length) finished = true;
    status.textContent = finished ? strings.end : "";
  } catch (error) {
    status.textContent = `${strings.error} ${error.message}`;
  } finally {
    loading = false;
  }
}

const observer = new IntersectionObserver((entries) => {
  if (entries.some((entry) => entry.isIntersecting)) loadPage();
}, { rootMargin: "400px" });
observer.observe(document.getElementById("feed-sentinel"));
loadPage();
