// The stock graphql-ws client (with `ws` as Node's WebSocket) runs any one subscription and
// prints each result it gets, one JSON object per stdout line:
//
//   QUERY='subscription …' VARIABLES='{"a": 1}' node subscribe.mjs URL TOKEN COUNT [TIMEOUT_SECONDS]
//
//   {"event":"next","payload":{...}}   one execution result, as the server sent it
//   {"event":"error","errors":[...]}   the operation failed (GraphQL errors)
//   {"event":"error","message":"..."}  anything else went wrong
//   {"event":"complete"}               the server ended the subscription early
//   {"event":"timeout"}                COUNT results did not arrive in time
//
// Exit status: 0 after COUNT results; 1 error or early complete; 2 bad usage; 4 timeout.
// Used by tests/js.py (js_subscriber): live lists, presence.

import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const QUERY = process.env.QUERY ?? '';
const VARIABLES = JSON.parse(process.env.VARIABLES ?? '{}');

function emit(line) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const [url, token, countArg, timeoutArg = '20'] = process.argv.slice(2);
const count = Number.parseInt(countArg ?? '', 10);
const timeoutSeconds = Number.parseFloat(timeoutArg);
if (!url || !token || !QUERY || !(count > 0) || !(timeoutSeconds > 0)) {
  process.stderr.write('usage: QUERY=... [VARIABLES=json] node subscribe.mjs URL TOKEN COUNT [TIMEOUT_SECONDS]\n');
  process.exit(2);
}

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${token}` },
  retryAttempts: 0,
  shouldRetry: () => false,
});

let finished = false;
let received = 0;
let timer;

function finish(status) {
  if (finished) return;
  finished = true;
  clearTimeout(timer);
  unsubscribe();
  Promise.resolve(client.dispose())
    .catch(() => {})
    .finally(() => process.stdout.write('', () => process.exit(status)));
}

const unsubscribe = client.subscribe(
  { query: QUERY, variables: VARIABLES },
  {
    next(payload) {
      if (finished) return;
      emit({ event: 'next', payload });
      received += 1;
      if (received >= count) finish(0);
    },
    error(err) {
      if (finished) return;
      if (Array.isArray(err)) emit({ event: 'error', errors: err });
      else emit({ event: 'error', message: String(err?.message ?? err) });
      finish(1);
    },
    complete() {
      if (finished) return;
      emit({ event: 'complete' });
      finish(1);
    },
  },
);

timer = setTimeout(() => {
  emit({ event: 'timeout' });
  finish(4);
}, timeoutSeconds * 1000);
