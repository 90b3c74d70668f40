// graphql-http's audit of a GraphQL-over-HTTP server (the spec's MUST and SHOULD checks).
// Usage: node audit.mjs URL — prints one JSON line per audit: {id, name, status, reason}.
// Used by tests/test_graphql_http.py.
import { auditServer } from 'graphql-http';

const [url] = process.argv.slice(2);
for (const result of await auditServer({ url })) {
  const { id, name, status } = result;
  console.log(JSON.stringify({ id, name, status, reason: status === 'ok' ? null : result.reason }));
}
