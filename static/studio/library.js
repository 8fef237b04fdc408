// Library page: the saved sketches as cards, each with rename, tags, public and delete.
import { api } from "../js/api.js";
import { el, renderCards, versionTitle } from "./cards.js";
import { pageSketches } from "./jobrun.js";
import { playerConfig } from "./player.js";
import { initTransport } from "./transport.js";

const T = playerConfig.strings;
initTransport();

function libraryControls(card, sketch) {
  const message = el("span", { class: "muted small", role: "status" });
  const patch = async (changes) => {
    try {
      Object.assign(sketch, await api(sketch.urls.self, { method: "PATCH", body: changes }));
      message.textContent = T.savedChanges;
      message.classList.remove("error");
    } catch (error) {
      message.textContent = error.message;
      message.classList.add("error");
    }
  };
  const title = el("input", { class: "input", name: "title", value: sketch.title, maxlength: 120 });
  title.addEventListener("change", async () => {
    await patch({ title: title.value });
    card.querySelector(".sketch-title").textContent = versionTitle(sketch);
  });
  const tags = el("input", { class: "input", name: "tags", value: sketch.tags.join(", "), placeholder: T.tagsHint });
  tags.addEventListener("change", () => patch({ tags: tags.value.split(",").map((t) => t.trim()).filter(Boolean) }));
  const isPublic = el("input", { type: "checkbox", name: "is_public", checked: sketch.is_public });
  isPublic.addEventListener("change", () => patch({ is_public: isPublic.checked }));
  const remove = el("button", { type: "button", class: "btn btn-small btn-danger", "data-action": "delete", text: T.delete });
  remove.addEventListener("click", async () => {
    if (!window.confirm(T.confirmDelete)) return;
    await api(sketch.urls.self, { method: "DELETE" });
    card.remove();
  });
  const field = (text, input) => el("label", { class: "field" }, el("span", { class: "small", text }), input);
  card.append(el("div", { class: "library-controls" }, field(T.title, title), field(T.tags, tags),
    el("label", { class: "small" }, isPublic, ` ${T.public}`), remove, message));
}

renderCards(document.getElementById("results"), pageSketches(), { extras: libraryControls });
