// The newsdex search page. The state lives in the URL (q, offset, articles, plain; path and p
// for an open article), so a link shows what its sender saw; this script reads it, asks the
// JSON API and draws the answer. Article text is only ever set as text (text nodes and
// textContent), never parsed as HTML.
"use strict";

const PAGE_SIZE = 10;
const MAX_OFFSET = 10000;
const WINDOW_BYTES = 320;

const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let drawing = 0; // the latest render; an older answer arriving late is dropped

function readUrl() {
  const url = new URLSearchParams(location.search);
  const number = (name) => Math.max(0, parseInt(url.get(name) || "0", 10) || 0);
  return {
    q: url.get("q") || "",
    offset: Math.min(number("offset"), MAX_OFFSET),
    articles: url.get("articles") === "1",
    plain: url.get("plain") === "1",
    path: url.get("path") || "",
    p: number("p"),
  };
}

function pageUrl(state) {
  const url = new URLSearchParams();
  if (state.q) url.set("q", state.q);
  if (state.offset) url.set("offset", String(state.offset));
  if (state.articles) url.set("articles", "1");
  if (state.plain) url.set("plain", "1");
  if (state.path) {
    url.set("path", state.path);
    if (state.p) url.set("p", String(state.p));
  }
  const query = url.toString();
  return "/" + (query ? "?" + query : "");
}

function go(state) {
  history.pushState(null, "", pageUrl(state));
  render();
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
    response = await fetch(url, { headers: { Accept: "application/json" } });
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

function plural(count, one, many) {
  return count.toLocaleString("en-US") + " " + (count === 1 ? one : many);
}

function fileNote(file) {
  if (file === "changed") return " (file changed since indexing: the text indexed)";
  if (file === "missing") return " (file gone since indexing: the text indexed)";
  return "";
}

function clear() {
  for (const id of ["results", "article-title", "article-meta", "article-body"]) $(id).replaceChildren();
  $("status").textContent = "";
  $("error").hidden = true;
  $("pager").hidden = true;
  $("article").hidden = true;
  $("help").hidden = true;
}

function fail(message) {
  $("status").textContent = "";
  $("error").textContent = message.charAt(0).toUpperCase() + message.slice(1);
  $("error").hidden = false;
}

async function showResults(state, turn) {
  const params = new URLSearchParams({ q: state.q, limit: String(PAGE_SIZE), offset: String(state.offset) });
  if (state.articles) params.set("articles", "1");
  if (state.plain) params.set("plain", "1");
  $("status").textContent = "Searching…";
  const answer = await api("/api/search?" + params);
  if (turn !== drawing) return;
  if (answer.error) return fail(answer.error);
  const body = answer.body;
  // A story's copies come as lines of their own after it; the page lists them on its row.
  const rows = body.hits.filter((hit) => hit.copy_of === null);
  const unit = state.articles ? ["article", "articles"] : ["passage", "passages"];
  const total = body.total.count.toLocaleString("en-US") + (body.total.at_least ? "+" : "");
  const notes = [];
  if (rows.length === 0) {
    notes.push(body.total.count === 0 ? "Nothing matched “" + state.q + "”." : "No results from " + (state.offset + 1) + " on; " + total + " matched.");
  } else {
    const last = state.offset + rows.length;
    notes.push((state.offset + 1) + (last > state.offset + 1 ? "–" + last : "") + " of " + total + " " + (body.total.count === 1 && !body.total.at_least ? unit[0] : unit[1]) + " · " + body.took_ms.toFixed(1) + " ms");
  }
  if (body.unmatched.length) notes.push("Not in the index: " + body.unmatched.join(", ") + ".");
  if (body.cut_from) notes.push("The query has " + plural(body.cut_from, "word", "words") + "; searched for its first 100.");
  $("status").textContent = notes.join(" ");

  const list = $("results");
  list.start = state.offset + 1;
  for (const hit of rows) {
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
    const where = document.createElement("span");
    where.className = "path";
    where.textContent = hit.path + " ¶" + hit.paragraph + fileNote(hit.file);
    const score = document.createElement("span");
    score.className = "score";
    score.textContent = hit.score.toFixed(2);
    meta.append(where, " ", score);
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
    list.append(item);
  }

  const hasNext = body.more && state.offset + PAGE_SIZE <= MAX_OFFSET;
  const hasPrev = state.offset > 0;
  $("prev").hidden = !hasPrev;
  $("next").hidden = !hasNext;
  link($("prev"), { ...state, offset: Math.max(0, state.offset - PAGE_SIZE) });
  link($("next"), { ...state, offset: state.offset + PAGE_SIZE });
  $("pager").hidden = !(hasPrev || hasNext);
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
  $("q").value = state.q;
  $("articles").checked = state.articles;
  $("plain").checked = state.plain;
  clear();
  document.title = state.q ? state.q + " – newsdex" : "newsdex";
  if (state.path) return showArticle(state, turn);
  window.scrollTo(0, 0);
  if (state.q) return showResults(state, turn);
  $("help").hidden = false;
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
    go({ q, offset: 0, articles: $("articles").checked, plain: $("plain").checked, path: "", p: 0 });
  });
  for (const id of ["articles", "plain"]) {
    $(id).addEventListener("change", () => {
      const state = readUrl();
      if (state.q && !state.path) go({ ...state, offset: 0, [id]: $(id).checked });
    });
  }
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
