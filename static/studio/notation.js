// Notation view: the sketch's MusicXML engraved by OpenSheetMusicDisplay (loaded on first use only).
import { playerConfig } from "./player.js";

let library = null;

function loadLibrary() {
  if (!library) {
    library = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = playerConfig.osmdUrl;
      script.onload = () => resolve(window.opensheetmusicdisplay);
      script.onerror = () => reject(new Error("OpenSheetMusicDisplay could not be loaded"));
      document.head.append(script);
    });
  }
  return library;
}

/** Engrave the MusicXML of `sketch` into `container`; `full` adds the title, composer and part names. */
export async function renderNotation(container, sketch, { full = false } = {}) {
  container.textContent = playerConfig.strings.loading;
  try {
    const [osmdLib, xml] = await Promise.all([loadLibrary(), fetch(sketch.urls.musicxml).then((r) => r.text())]);
    container.textContent = "";
    const osmd = new osmdLib.OpenSheetMusicDisplay(container, {
      autoResize: true, drawTitle: full, drawComposer: full, drawPartNames: full, drawPartAbbreviations: full, backend: "svg",
    });
    await osmd.load(xml);
    osmd.render();
    container.dataset.rendered = "1";
  } catch (error) {
    container.textContent = `${playerConfig.strings.notationFailed} (${error.message})`;
  }
}

/** Toggle the notation of `sketch` inside `container` (a card's compact view). */
export async function showNotation(container, sketch) {
  if (!container.hidden) {
    container.hidden = true;
    return;
  }
  container.hidden = false;
  if (!container.dataset.rendered) await renderNotation(container, sketch);
}
