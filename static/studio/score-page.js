// Full-score page: the sketch's MusicXML engraved across the page (title, composer, named parts), with
// the transport and the sketch's card above it to play along.
import { sketchCard } from "./cards.js";
import { pageSketches } from "./jobrun.js";
import { renderNotation } from "./notation.js";
import { initTransport } from "./transport.js";

initTransport();
const sketch = pageSketches()[0];
document.getElementById("score-card").append(sketchCard(sketch, { actions: false }));
renderNotation(document.getElementById("full-score"), sketch, { full: true });
