// Connects with a sensor's credentials, says "connected", and reports how the connection ended.
// argv[2]: a JSON file {natsUrl, creds, inboxPrefix}
import { readFileSync } from "node:fs";
import { connect, credsAuthenticator } from "@nats-io/transport-node";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const nc = await connect({
  servers: input.natsUrl,
  authenticator: credsAuthenticator(new TextEncoder().encode(input.creds)),
  inboxPrefix: input.inboxPrefix,
  maxReconnectAttempts: 0,
});
const statuses = [];
(async () => {
  for await (const s of nc.status()) statuses.push(`${s.type}: ${s.error?.message ?? s.data ?? ""}`);
})();
console.log("connected");
const deadline = setTimeout(() => { console.log(JSON.stringify({ closed: false, statuses })); process.exit(2); }, 30000);
const error = await nc.closed();
clearTimeout(deadline);
console.log(JSON.stringify({ closed: true, error: String(error?.message ?? error ?? ""), statuses }));
