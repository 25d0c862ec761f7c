// The newsdex search page. The state lives in the URL (url.js), so a link shows what its
// sender saw; this script reads it, asks the JSON API (the results first, then their facets,
// which count every match and take longer on a large index) and draws the answer: the results with their dates, the timeline (timeline.js),
// the places and agencies and the filters in use (facets.js), and, while Follow is on, the
// stories that new commits bring (follow.js). Article text is only ever set
// as text (text nodes and textContent), never parsed as HTML.
import { MAX_OFFSET, PAGE_SIZE, pageUrl, plural, readUrl, searchUrl, windowText } from "./url.js";
import { drawTimeline, setUpTimeline } from "./timeline.js";
import { drawChips, drawFacets } from "./facets.js";
import { follow } from "./follow.js";

const WINDOW_BYTES = 320;
// Typing a date in an <input type=date> changes it at each digit: the search waits for a
// pause (or Enter) rather than running for year 0001, 0019, 0198 and 1987.
const DATE_PAUSE_MS = 700;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

// What the page says of each `date_source`: the file's time is a guess that copying resets.
const DATED_BY = {
  path: "dated by its path",
  dateline: "dated by its dateline",
  "path-year": "its dateline's day, its path's year",
  sibling: "its dateline's day, the year of the articles beside it",
  "year-option": "its dateline's day, the year its folder was indexed with",
  "file-year": "its dateline's day, its file's year: a guess",
  modified: "its file's time: a guess",
};

const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let drawing = 0; // the latest render; an older answer arriving late is dropped
// The requests of the latest render, aborted when another starts: a search the page no
// longer shows (its facets, counted over every match) should not hold the server.
let requests = new AbortController();
let pendingDates = {}; // date inputs changed, not searched yet
let datesTimer = 0;

function go(state) {
  const url = pageUrl(state);
  if (url !== location.pathname + location.search) history.pushState(null, "", url);
  render();
}

// The search narrowed or widened by `changes` (a filter, the window, the order), from its
// first page.
function narrow(changes) {
  go({ ...readUrl(), ...changes, offset: 0, path: "", p: 0 });
}

// A link that the page follows itself; a click with a modifier (new tab) is the browser's.
function link(anchor, state) {
  anchor.href = pageUrl(state);
  anchor.onclick = (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    go(state);
  };
}

async function api(url) {
  let response;
  try {
    response = await fetch(url, {
      headers: { Accept: "application/json" },
      signal: requests.signal,
    });
  } catch (err) {
    return { error: "The server did not answer. Is newsdex serve still running?" };
  }
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    body = null;
  }
  if (!response.ok || body === null) {
    return { error: (body && body.error) || "The server answered " + response.status + "." };
  }
  return { body };
}

// Appends text[from, to) (UTF-8 byte offsets, as the API gives them) to `parent`, the byte
// ranges in `marks` wrapped in <mark>.
function appendMarked(parent, bytes, marks, from, to) {
  let at = from;
  for (const [start, end] of marks) {
    if (start < at || end > to) continue;
    parent.append(decoder.decode(bytes.subarray(at, start)));
    const mark = document.createElement("mark");
    mark.textContent = decoder.decode(bytes.subarray(start, end));
    parent.append(mark);
    at = end;
  }
  parent.append(decoder.decode(bytes.subarray(at, to)));
}

function marked(parent, text, marks) {
  const bytes = encoder.encode(text);
  appendMarked(parent, bytes, marks, 0, bytes.length);
}

// The part of a long passage to show, as the terminal shows it: the window of WINDOW_BYTES
// with the most marked words, cut at spaces.
function passageWindow(bytes, marks) {
  if (bytes.length <= WINDOW_BYTES) return [0, bytes.length];
  let best = [0, 0];
  marks.forEach(([start], i) => {
    let count = 0;
    for (const [, end] of marks.slice(i)) {
      if (end > start + WINDOW_BYTES) break;
      count += 1;
    }
    if (count > best[0]) best = [count, start];
  });
  let from = Math.max(0, best[1] - Math.floor(WINDOW_BYTES / 5));
  if (from > 0) from = bytes.lastIndexOf(32, from - 1) + 1;
  let to = Math.min(bytes.length, from + WINDOW_BYTES);
  if (to < bytes.length) {
    const space = bytes.lastIndexOf(32, to);
    if (space > from) to = space;
    else while (to > from && (bytes[to] & 0xc0) === 0x80) to -= 1;
  }
  return [from, to];
}

function fileNote(file) {
  if (file === "changed") return " (file changed since indexing: the text indexed)";
  if (file === "missing") return " (file gone since indexing: the text indexed)";
  return "";
}

function clear() {
  for (const id of ["results", "article-title", "article-meta", "article-body"]) $(id).replaceChildren();
  $("status").textContent = "";
  for (const id of ["error", "outside", "timeline", "facets", "pager", "article", "help"]) $(id).hidden = true;
}

function fail(message) {
  $("status").textContent = "";
  $("error").textContent = message.charAt(0).toUpperCase() + message.slice(1);
  $("error").hidden = false;
}

// A count as the API gives it, `+` when counting stopped.
function counted(total) {
  return total.count.toLocaleString("en-US") + (total.at_least ? "+" : "");
}

// The status line: which rows these are of how many, or why there are none.
function statusLine(state, body, rows) {
  const unit = state.articles ? ["article", "articles"] : ["passage", "passages"];
  const one = (total) => total.count === 1 && !total.at_least;
  const notes = [];
  if (body.outside_window) {
    const outside = body.outside_window;
    const matches = one(outside) ? unit[0] + " matches" : unit[1] + " match";
    notes.push(counted(outside) + " " + matches + " “" + state.q + "” outside " + windowText(state) + ".");
  } else if (rows.length === 0) {
    notes.push(body.total.count === 0 ? "Nothing matched “" + state.q + "”." : "No results from " + (state.offset + 1) + " on; " + counted(body.total) + " matched.");
  } else {
    const last = state.offset + rows.length;
    const stories = body.facets ? " in " + plural(body.facets.stories, "story", "stories") : "";
    notes.push((state.offset + 1) + (last > state.offset + 1 ? "–" + last : "") + " of " + counted(body.total) + " " + (one(body.total) ? unit[0] : unit[1]) + stories + " · " + body.took_ms.toFixed(1) + " ms");
  }
  if (body.unmatched.length) notes.push("Not in the index: " + body.unmatched.join(", ") + ".");
  if (body.cut_from) notes.push("The query has " + plural(body.cut_from, "word", "words") + "; searched for its first 100.");
  return notes.join(" ");
}

function hitRow(state, hit) {
  const item = document.createElement("li");
  item.className = "hit";
  const title = document.createElement("a");
  title.className = "title";
  if (hit.title) marked(title, hit.title, hit.title_highlights);
  else title.textContent = hit.path;
  link(title, { ...state, path: hit.path, p: hit.paragraph });
  const meta = document.createElement("p");
  meta.className = "meta";
  if (hit.dateline) {
    const dateline = document.createElement("span");
    dateline.className = "dateline";
    dateline.textContent = hit.dateline;
    meta.append(dateline, " · ");
  }
  const date = document.createElement("time");
  date.className = "date " + hit.date_source;
  date.dateTime = hit.date;
  date.textContent = hit.date;
  date.title = DATED_BY[hit.date_source] || "";
  const where = document.createElement("span");
  where.className = "path";
  where.textContent = hit.path + " ¶" + hit.paragraph + fileNote(hit.file);
  const score = document.createElement("span");
  score.className = "score";
  score.textContent = hit.score.toFixed(2);
  meta.append(date, " · ", where, " ", score);
  const passage = document.createElement("p");
  passage.className = "passage";
  const bytes = encoder.encode(hit.text);
  const [from, to] = passageWindow(bytes, hit.highlights);
  if (from > 0) passage.append("…");
  appendMarked(passage, bytes, hit.highlights, from, to);
  if (to < bytes.length) passage.append("…");
  item.append(title, meta);
  if (hit.copies.length) {
    const also = document.createElement("p");
    also.className = "also";
    also.append("also: ");
    hit.copies.forEach((path, i) => {
      const copy = document.createElement("a");
      copy.textContent = path;
      link(copy, { ...state, path, p: 1 });
      also.append(i ? ", " : "", copy);
    });
    item.append(also);
  }
  item.append(passage);
  return item;
}

// The facets of the search on screen, asked for once its results are drawn: counting every
// match (a common word at 1 GB: 180,000 articles) takes longer than ranking ten.
// `data-busy` on the body until both are drawn, for scripts and tests that read a settled page.
async function showFacets(state, turn, body, rows) {
  const answer = await api(searchUrl(state, true));
  if (turn !== drawing) return;
  delete document.body.dataset.busy;
  if (answer.error) return;
  body.facets = answer.body.facets;
  $("status").textContent = statusLine(state, body, rows);
  drawTimeline(body.facets, (since, until) => narrow({ since, until }));
  drawFacets(body.facets, state, narrow);
}

async function showResults(state, turn) {
  $("status").textContent = "Searching…";
  document.body.dataset.busy = "true";
  const answer = await api(searchUrl(state, false));
  if (turn !== drawing) return;
  if (answer.error) {
    delete document.body.dataset.busy;
    return fail(answer.error);
  }
  const body = answer.body;
  // A story's copies come as lines of their own after it; the page lists them on its row.
  const rows = body.hits.filter((hit) => hit.copy_of === null);
  $("status").textContent = statusLine(state, body, rows);
  $("outside").hidden = !body.outside_window;
  drawTimeline(null, () => {});
  drawFacets(null, state, narrow);
  showFacets(state, turn, body, rows);
  const list = $("results");
  list.start = state.offset + 1;
  list.replaceChildren(...rows.map((hit) => hitRow(state, hit)));

  const hasNext = body.more && state.offset + PAGE_SIZE <= MAX_OFFSET;
  const hasPrev = state.offset > 0;
  $("prev").hidden = !hasPrev;
  $("next").hidden = !hasNext;
  link($("prev"), { ...state, offset: Math.max(0, state.offset - PAGE_SIZE) });
  link($("next"), { ...state, offset: state.offset + PAGE_SIZE });
  $("pager").hidden = !(hasPrev || hasNext);
}

// A story a new commit brought, at the top of the list, marked new (its highlight fades).
function arrived(state, hit) {
  if (hit.copy_of !== null) return;
  const row = hitRow(state, hit);
  row.classList.add("new");
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.textContent = "new";
  row.prepend(badge);
  $("results").prepend(row);
}

function followState(state) {
  const say = (text) => {
    $("following").textContent = text;
    $("following").hidden = !text;
  };
  say("");
  follow(state, {
    ready: () => say("Following: new stories appear at the top as they are indexed."),
    hit: (hit) => arrived(state, hit),
    stop: () => say("Following stopped: the server refused (reload to try again)."),
  });
}

async function showArticle(state, turn) {
  const params = new URLSearchParams({ path: state.path });
  if (state.q) params.set("highlight", state.q);
  $("status").textContent = "Opening…";
  const answer = await api("/api/article?" + params);
  if (turn !== drawing) return;
  if (answer.error) return fail(answer.error);
  const article = answer.body;
  $("status").textContent = "";
  marked($("article-title"), article.title || article.path, article.title_highlights);
  const meta = $("article-meta");
  meta.append(article.date + " · ");
  if (article.dateline) meta.append(article.dateline + " · ");
  meta.append(article.path + fileNote(article.file));
  const body = $("article-body");
  let current = null;
  for (const paragraph of article.paragraphs) {
    const p = document.createElement("p");
    p.id = "p" + paragraph.number;
    const number = document.createElement("span");
    number.className = "number";
    number.textContent = "¶" + paragraph.number;
    p.append(number, " ");
    marked(p, paragraph.text, paragraph.highlights);
    if (paragraph.number === state.p) {
      p.className = "current";
      current = p;
    }
    body.append(p);
  }
  link($("back"), { ...state, path: "", p: 0 });
  $("back").hidden = !state.q;
  $("article").hidden = false;
  document.title = (article.title || article.path) + " – newsdex";
  if (current) current.scrollIntoView({ block: "center" });
  else window.scrollTo(0, 0);
}

function render() {
  const state = readUrl();
  const turn = ++drawing;
  requests.abort();
  requests = new AbortController();
  clearTimeout(datesTimer);
  pendingDates = {};
  $("q").value = state.q;
  $("articles").checked = state.articles;
  $("plain").checked = state.plain;
  $("follow").checked = state.follow;
  $("sort").value = state.sort;
  // An age (`since=7d`) stays in the URL and its chip; a date input only holds a day.
  $("since").value = ISO_DAY.test(state.since) ? state.since : "";
  $("until").value = ISO_DAY.test(state.until) ? state.until : "";
  $("since").max = $("until").value;
  $("until").min = $("since").value;
  clear();
  const searching = Boolean(state.q) && !state.path;
  $("narrow").hidden = !searching;
  drawChips(state, narrow);
  followState(state);
  document.title = state.q ? state.q + " – newsdex" : "newsdex";
  if (state.path) return showArticle(state, turn);
  window.scrollTo(0, 0);
  if (state.q) return showResults(state, turn);
  $("help").hidden = false;
}

// Searches with the dates typed so far, now.
function applyDates() {
  clearTimeout(datesTimer);
  const changes = pendingDates;
  pendingDates = {};
  if (Object.keys(changes).length && readUrl().q) narrow(changes);
}

function isTyping(target) {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target.isContentEditable;
}

document.addEventListener("DOMContentLoaded", () => {
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    const q = $("q").value.trim();
    if (!q) return;
    $("q").blur();
    // A new query keeps the filters in use: their chips are in sight, a click lets each go.
    go({ ...readUrl(), ...pendingDates, q, offset: 0, articles: $("articles").checked, plain: $("plain").checked, follow: $("follow").checked, path: "", p: 0 });
  });
  for (const id of ["articles", "plain"]) {
    $(id).addEventListener("change", () => {
      if (readUrl().q) narrow({ [id]: $(id).checked });
    });
  }
  // Following changes no result: the address keeps it, the stream starts or stops.
  $("follow").addEventListener("change", () => {
    const state = { ...readUrl(), follow: $("follow").checked };
    history.replaceState(null, "", pageUrl(state));
    followState(state);
  });
  $("sort").addEventListener("change", () => narrow({ sort: $("sort").value }));
  for (const id of ["since", "until"]) {
    $(id).addEventListener("change", () => {
      pendingDates[id] = $(id).value;
      clearTimeout(datesTimer);
      datesTimer = setTimeout(applyDates, DATE_PAUSE_MS);
    });
    $(id).addEventListener("keydown", (event) => {
      if (event.key === "Enter") applyDates();
    });
  }
  $("clear-dates").addEventListener("click", () => narrow({ since: "", until: "" }));
  setUpTimeline();
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && !isTyping(event.target) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      $("q").focus();
      $("q").select();
    } else if (event.key === "Escape" && isTyping(event.target)) {
      event.target.blur();
    } else if (event.key === "Escape" && !$("article").hidden && readUrl().q) {
      go({ ...readUrl(), path: "", p: 0 });
    }
  });
  window.addEventListener("popstate", render);
  render();
  if (!readUrl().q) $("q").focus();
});
