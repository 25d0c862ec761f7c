// The page's state and its URL. The address bar holds the whole view (the query, the place
// and agency it is narrowed to, the date window, the order, the page, the open article), so
// reload, back, forward and a shared link all show the same thing, following included. Filters live beside `q`
// in the URL, not in its text: the box shows what the user typed, and the server keeps to a
// place without turning a keyword query into another kind of query (`/api/search`'s `place`).

export const PAGE_SIZE = 10;
export const MAX_OFFSET = 10000;

// The view the URL asks for.
export function readUrl() {
  const url = new URLSearchParams(location.search);
  const text = (name) => (url.get(name) || "").trim();
  const number = (name) => Math.max(0, parseInt(url.get(name) || "0", 10) || 0);
  return {
    q: url.get("q") || "",
    place: text("place"),
    agency: text("agency"),
    since: text("since"),
    until: text("until"),
    sort: url.get("sort") === "date" ? "date" : "relevance",
    offset: Math.min(number("offset"), MAX_OFFSET),
    articles: url.get("articles") === "1",
    plain: url.get("plain") === "1",
    follow: url.get("follow") === "1",
    path: url.get("path") || "",
    p: number("p"),
  };
}

// The page's address for `state`: only what differs from a fresh page, in a fixed order.
export function pageUrl(state) {
  const url = new URLSearchParams();
  if (state.q) url.set("q", state.q);
  for (const name of ["place", "agency", "since", "until"]) {
    if (state[name]) url.set(name, state[name]);
  }
  if (state.sort === "date") url.set("sort", "date");
  if (state.articles) url.set("articles", "1");
  if (state.plain) url.set("plain", "1");
  if (state.follow) url.set("follow", "1");
  if (state.offset) url.set("offset", String(state.offset));
  if (state.path) {
    url.set("path", state.path);
    if (state.p) url.set("p", String(state.p));
  }
  const query = url.toString();
  return "/" + (query ? "?" + query : "");
}

// The `/api/search` request for a page of results, facets included (one request a search).
export function searchUrl(state, facets) {
  const url = matching(state);
  url.set("limit", String(PAGE_SIZE));
  url.set("offset", String(state.offset));
  if (facets) url.set("facets", "1");
  return "/api/search?" + url;
}

// The `/api/follow` stream of the articles new commits bring that match the search.
export function followUrl(state) {
  return "/api/follow?" + matching(state);
}

// The parameters that say what matches and in which order.
function matching(state) {
  const url = new URLSearchParams({ q: state.q });
  for (const name of ["place", "agency", "since", "until"]) {
    if (state[name]) url.set(name, state[name]);
  }
  if (state.sort === "date") url.set("sort", "date");
  if (state.articles) url.set("articles", "1");
  if (state.plain) url.set("plain", "1");
  return url;
}

// The date window as the command line writes it: `since..until`, an open end left empty.
export function windowText(state) {
  return state.since + ".." + state.until;
}

export function plural(count, one, many) {
  return count.toLocaleString("en-US") + " " + (count === 1 ? one : many);
}
