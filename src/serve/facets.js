// What narrows a search: the place and agency facets beside the results, and a chip for each
// filter in use. A facet value is a toggle button: it keeps the search to that value (one
// place and one agency at a time: an article is filed from one place) or, pressed again,
// lets it go. A chip's button removes its filter. Values are set as text, never as HTML.

import { plural } from "./url.js";
import { span } from "./timeline.js";

const $ = (id) => document.getElementById(id);

// Draws the facets of an answer (none when `facets` is missing); `go(changes)` applies a
// change to the search.
export function drawFacets(facets, state, go) {
  const places = list($("places"), facets ? facets.places : [], state.place, (place) => go({ place }));
  const agencies = list($("agencies"), facets ? facets.agencies : [], state.agency, (agency) => go({ agency }));
  $("facets").hidden = !(places || agencies);
}

function list(element, counts, active, choose) {
  const items = counts.map(({ value, stories }) => {
    const pressed = value === active.toLowerCase();
    const button = document.createElement("button");
    button.type = "button";
    button.className = "facet";
    button.setAttribute("aria-pressed", String(pressed));
    button.setAttribute("aria-label", `${value}: ${plural(stories, "story", "stories")}`);
    const name = document.createElement("span");
    name.className = "value";
    name.textContent = value;
    const count = document.createElement("span");
    count.className = "count";
    count.textContent = stories.toLocaleString("en-US");
    button.append(name, count);
    button.addEventListener("click", () => choose(pressed ? "" : value));
    const item = document.createElement("li");
    item.append(button);
    return item;
  });
  element.replaceChildren(...items);
  element.parentElement.hidden = items.length === 0;
  return items.length > 0;
}

// A chip for each filter `state` holds: place, agency, date window.
export function drawChips(state, go) {
  const chips = [];
  if (state.place) chips.push(["place", "Place", state.place, { place: "" }]);
  if (state.agency) chips.push(["agency", "Agency", state.agency, { agency: "" }]);
  if (state.since || state.until) chips.push(["dates", "Dates", windowLabel(state), { since: "", until: "" }]);
  const items = chips.map(([kind, label, value, without]) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "chip " + kind;
    button.setAttribute("aria-label", `Remove the filter ${label.toLowerCase()} ${value}`);
    const name = document.createElement("span");
    name.className = "kind";
    name.textContent = label;
    const shown = document.createElement("span");
    shown.className = "value";
    shown.textContent = value;
    const remove = document.createElement("span");
    remove.className = "remove";
    remove.setAttribute("aria-hidden", "true");
    remove.textContent = "×";
    button.append(name, " ", shown, remove);
    button.addEventListener("click", () => go(without));
    const item = document.createElement("li");
    item.append(button);
    return item;
  });
  $("chips").replaceChildren(...items);
  $("chips").hidden = items.length === 0;
}

function windowLabel(state) {
  if (!state.until) return "from " + state.since;
  if (!state.since) return "until " + state.until;
  return span(state.since, state.until);
}
