// The timeline: the date facet's bars (stories a day, week, month or year, over every match)
// drawn as an inline SVG. A click on a bar keeps the search to its days, a drag across bars to
// the days they span; from the keyboard the arrow keys walk the bars (one tab stop for all of
// them) and Enter picks one. Each bar names its days and stories, to a screen reader and in a
// tooltip. The drawing stretches to the page's width (its own units are a bar wide and
// HEIGHT high), so a few hundred bars fit as well as five.

import { plural } from "./url.js";

const SVG = "http://www.w3.org/2000/svg";
const HEIGHT = 100;
// Bars drawn thinner than their slot leave a gap between them, until there are too many for
// a gap to show.
const GAP = 0.2;
const GAPLESS_FROM = 120;

const $ = (id) => document.getElementById(id);
let bars = []; // the bars drawn, as the API gave them
let drag = null; // { from, to, at } while the pointer is down
let pick = () => {};

// Draws `facets.dates` (nothing when there are no dates) and calls `choose(since, until)`
// when the user picks bars.
export function drawTimeline(facets, choose) {
  bars = (facets && facets.dates) || [];
  pick = (from, to) => choose(bars[from].since, bars[to].until);
  drag = null;
  const svg = $("timeline-bars");
  $("timeline").hidden = bars.length === 0;
  if (!bars.length) {
    svg.replaceChildren();
    return;
  }
  const most = Math.max(1, ...bars.map((bar) => bar.stories));
  const gap = bars.length < GAPLESS_FROM ? GAP : 0;
  const unit = facets.date_unit;
  svg.setAttribute("viewBox", `0 0 ${bars.length} ${HEIGHT}`);
  svg.setAttribute("aria-label", `Stories a ${unit}, ${span(bars[0].since, bars[bars.length - 1].until)}`);
  const drawing = document.createDocumentFragment();
  drawing.append(shape("rect", { class: "base", x: 0, y: HEIGHT - 1, width: bars.length, height: 1 }));
  bars.forEach((bar, i) => {
    const label = `${span(bar.since, bar.until)}: ${plural(bar.stories, "story", "stories")}`;
    const group = shape("g", { class: "bar", role: "button", tabindex: i === 0 ? 0 : -1, "aria-label": label, "data-index": i });
    const title = shape("title", {});
    title.textContent = label;
    group.append(title, shape("rect", { class: "slot", x: i, y: 0, width: 1, height: HEIGHT }));
    if (bar.stories > 0) {
      // A day with one story among days with hundreds still shows.
      const height = Math.max(2, (bar.stories / most) * (HEIGHT - 4));
      group.append(shape("rect", { class: "fill", x: i + gap / 2, y: HEIGHT - height, width: 1 - gap, height }));
    }
    drawing.append(group);
  });
  drawing.append(shape("rect", { class: "selection", x: 0, y: 0, width: 0, height: HEIGHT, visibility: "hidden" }));
  svg.replaceChildren(drawing);
  $("timeline-title").textContent = `Stories a ${unit}, at most ${most.toLocaleString("en-US")}.`;
  hint();
  $("timeline-from").textContent = bars[0].since;
  $("timeline-to").textContent = bars[bars.length - 1].until;
}

// Listens to the drawing once; each drawing's bars are read from `bars`.
export function setUpTimeline() {
  const svg = $("timeline-bars");
  svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || !bars.length) return;
    event.preventDefault();
    const box = svg.getBoundingClientRect(); // read once a drag, not on every move
    const at = (x) => Math.min(bars.length - 1, Math.max(0, Math.floor(((x - box.left) / box.width) * bars.length)));
    const from = at(event.clientX);
    drag = { from, to: from, at };
    svg.setPointerCapture(event.pointerId);
    select();
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const to = drag.at(event.clientX);
    if (to === drag.to) return;
    drag.to = to;
    select();
  });
  svg.addEventListener("pointerup", () => {
    if (!drag) return;
    const [from, to] = ordered();
    drag = null;
    pick(from, to);
  });
  for (const name of ["pointercancel", "lostpointercapture"]) {
    svg.addEventListener(name, () => {
      if (!drag) return;
      drag = null;
      select();
    });
  }
  svg.addEventListener("keydown", (event) => {
    const bar = event.target.closest(".bar");
    if (!bar) return;
    const i = Number(bar.dataset.index);
    const moves = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: bars.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      focusBar(bar, Math.min(bars.length - 1, Math.max(0, moves[event.key])));
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      pick(i, i);
    }
  });
}

function focusBar(current, index) {
  const next = $("timeline-bars").querySelector(`.bar[data-index="${index}"]`);
  current.setAttribute("tabindex", "-1");
  next.setAttribute("tabindex", "0");
  next.focus();
}

// The bars a drag spans, first to last.
function ordered() {
  return drag.from <= drag.to ? [drag.from, drag.to] : [drag.to, drag.from];
}

// Shades the bars under the drag and names their days in the caption (not their stories:
// a story filed on two days is one story in each day's bar, so bars do not add up).
function select() {
  const selection = $("timeline-bars").querySelector(".selection");
  if (!drag) {
    selection.setAttribute("visibility", "hidden");
    hint();
    return;
  }
  const [from, to] = ordered();
  selection.setAttribute("x", from);
  selection.setAttribute("width", to - from + 1);
  selection.setAttribute("visibility", "visible");
  hint(`${span(bars[from].since, bars[to].until)}: let go to keep to these dates.`);
}

function hint(text) {
  $("timeline-hint").textContent = text || "Click a bar, or drag across bars, to keep to their dates.";
}

// Days as a person reads them: one day, or the first and the last.
export function span(since, until) {
  return since === until ? since : `${since} – ${until}`;
}

function shape(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}
