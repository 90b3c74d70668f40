// A browser-like subscriber: the real graphql-ws client (with `ws` as Node's WebSocket)
// subscribes to `notifications` and reports what it sees, one JSON object per stdout line.
//
//   node client.mjs URL TOKEN COUNT [TIMEOUT_SECONDS]
//
// Lines printed (the `event` key tells which):
//   {"event":"connected"}                  connection_ack received
//   {"event":"subscribed","id":"..."}      the subscribe frame went out
//   {"event":"next","payload":{...}}       one execution result, as the server sent it
//   {"event":"closed","code":N,"reason":"..."}  the socket closed before COUNT results
//   {"event":"error","errors":[...]}       the operation failed (GraphQL errors)
//   {"event":"error","message":"..."}      anything else went wrong
//   {"event":"complete"}                   the server ended the subscription early
//   {"event":"timeout"}                    COUNT results did not arrive in time
//
// Exit status: 0 after COUNT results; 1 error or early complete; 2 bad usage;
// 3 closed by the server; 4 timeout. Used by tests/subscriptions/test_node_client.py.

import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const NOTIFICATIONS = `subscription($after: ID) { notifications(after: $after) {
  id kind message ticket { number title } } }`;

function emit(line) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const [url, token, countArg, timeoutArg = '20'] = process.argv.slice(2);
const count = Number.parseInt(countArg ?? '', 10);
const timeoutSeconds = Number.parseFloat(timeoutArg);
if (!url || !token || !(count > 0) || !(timeoutSeconds > 0)) {
  process.stderr.write('usage: node client.mjs URL TOKEN COUNT [TIMEOUT_SECONDS]\n');
  process.exit(2);
}

// Tells the test when the subscribe frame has left, so it knows when to act.
class ReportingWebSocket extends WebSocket {
  send(data, ...rest) {
    super.send(data, ...rest);
    try {
      const message = JSON.parse(String(data));
      if (message.type === 'subscribe') emit({ event: 'subscribed', id: message.id });
    } catch {
      // not JSON: nothing to report
    }
  }
}

const client = createClient({
  url,
  webSocketImpl: ReportingWebSocket,
  connectionParams: { authorization: `Bearer ${token}` },
  retryAttempts: 0, // a refusal must reach the test, not be retried away
  shouldRetry: () => false,
  on: {
    connected: () => emit({ event: 'connected' }),
  },
});

let finished = false;
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

function isCloseEvent(value) {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}

let received = 0;
const unsubscribe = client.subscribe(
  { query: NOTIFICATIONS, variables: {} },
  {
    next(payload) {
      if (finished) return;
      emit({ event: 'next', payload });
      received += 1;
      if (received >= count) finish(0);
    },
    error(err) {
      if (finished) return;
      if (isCloseEvent(err)) {
        emit({ event: 'closed', code: err.code, reason: String(err.reason ?? '') });
        finish(3);
      } else if (Array.isArray(err)) {
        emit({ event: 'error', errors: err });
        finish(1);
      } else {
        // an Error, or the WebSocket's ErrorEvent (refused connection, bad handshake)
        const message = typeof err === 'object' && err !== null && 'message' in err;
        emit({ event: 'error', message: message ? String(err.message) : String(err) });
        finish(1);
      }
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
