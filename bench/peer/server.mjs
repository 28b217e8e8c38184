// The benchmark's peer: Hocuspocus with its SQLite extension, on 127.0.0.1.
//
//   node bench/peer/server.mjs PORT DATABASE_FILE
//
// Every setting that decides when an edit is persisted is written out here at the
// Hocuspocus default, so the benchmark's report can name it: a document is stored
// `debounce` ms after its last change, and at the latest `maxDebounce` ms after the first
// unsaved one. The extension writes the whole document (one upsert) when it is stored.
// An update is acknowledged (SyncStatus) and broadcast as soon as it is applied in
// memory, before any of that.
import { Server } from "@hocuspocus/server";
import { SQLite } from "@hocuspocus/extension-sqlite";

const port = Number(process.argv[2] ?? 8765);
const database = process.argv[3] ?? ":memory:";

const server = new Server({
  port,
  address: "127.0.0.1",
  quiet: true,
  debounce: 2000,
  maxDebounce: 10000,
  // The default: updates that arrive in one event-loop turn go out as one message.
  flushDelay: 0,
  extensions: [new SQLite({ database })],
});

await server.listen();
console.log(`hocuspocus listening on 127.0.0.1:${server.address.port} (database ${database})`);
