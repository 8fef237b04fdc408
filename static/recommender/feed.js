// The feed: infinite scroll over /api/feed/, and like / dislike / not interested buttons that post
// events; the next page is computed with them (online fold-in on the server).
import { api } from "../js/api.js";

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
  node.querySelector('[data-field="tags"]').textContent = (item.tags || []).join(" · ");
  const play = node.querySelector('[data-field="play"]');
  if (item.audio_url || item.url) {
    play.href = item.audio_url || item.url;
    play.hidden = false;
    play.addEventListener("click", () => send(item.id, "play"));
  }
  node.querySelectorAll("[data-event]").forEach((button) => {
    button.addEventListener("click", () => react(node, item.id, button.dataset.event, button));
  });
  return node;
}

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
