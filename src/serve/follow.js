// Following a query: while Follow is on, the page holds one stream of server-sent events
// (`/api/follow`, with the search's filters) and puts each article a new commit brings at the
// top of the results, marked new, without a reload. The server decides what is new.
import { followUrl } from "./url.js";

let source = null;

// Follows `state`'s search, or stops when it asks for none: `on.ready` once the stream is
// open, `on.hit` with each new row, `on.stop` when the server refuses it.
export function follow(state, on) {
  stopFollowing();
  if (!state.follow || !state.q || state.path) return;
  const stream = new EventSource(followUrl(state));
  source = stream;
  stream.addEventListener("ready", on.ready);
  stream.addEventListener("hit", (event) => on.hit(JSON.parse(event.data)));
  // A dropped connection is retried by the browser; a refusal (a 4xx, the 503 of a full
  // server) closes the stream for good, and the page says so.
  stream.onerror = () => {
    if (stream.readyState === EventSource.CLOSED && source === stream) {
      source = null;
      on.stop();
    }
  };
}

function stopFollowing() {
  if (source) source.close();
  source = null;
}
