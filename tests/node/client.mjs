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
//
// With RECONNECT_TOKENS=T2[,T3...] in the environment the client is set up as
// docs/realtime.md tells an app to: the stock retry settings, `connectionParams` a function
// that hands out the next token at each (re)connect (an app would refresh its token there),
// and `notificationFeed` with `after` kept at the last cursor received, which graphql-ws
// sends again when it resubscribes. It then also prints
//   {"event":"disconnected","code":N}     the socket closed (the client may retry)

const RECONNECT_TOKENS = (process.env.RECONNECT_TOKENS ?? '').split(',').filter(Boolean);
const FEED = `subscription($after: String) { notificationFeed(after: $after) {
  ready cursor notification { id kind message ticket { number title } } } }`;

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

const reconnecting = RECONNECT_TOKENS.length > 0;
const tokens = [token, ...RECONNECT_TOKENS];
const client = createClient(
  reconnecting
    ? {
        url,
        webSocketImpl: ReportingWebSocket,
        connectionParams: async () => ({
          authorization: `Bearer ${tokens.length > 1 ? tokens.shift() : tokens[0]}`,
        }),
        on: {
          connected: () => emit({ event: 'connected' }),
          closed: (event) => emit({ event: 'disconnected', code: event.code }),
        },
      }
    : {
        url,
        webSocketImpl: ReportingWebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0, // a refusal must reach the test, not be retried away
        shouldRetry: () => false,
        on: {
          connected: () => emit({ event: 'connected' }),
        },
      },
);
const variables = {};

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
  { query: reconnecting ? FEED : NOTIFICATIONS, variables },
  {
    next(payload) {
      if (finished) return;
      const cursor = payload?.data?.notificationFeed?.cursor;
      if (cursor) variables.after = cursor; // sent again as is when graphql-ws resubscribes
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
