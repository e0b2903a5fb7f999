// Connects with a sensor's credentials, says "connected", and reports how the connection ended.
// argv[2]: a JSON file {natsUrl, creds, inboxPrefix}
import { readFileSync } from "node:fs";
import { connectAsSensor } from "./sensor-connection.mjs";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const nc = await connectAsSensor(input);
const statuses = [];
(async () => {
  for await (const s of nc.status()) statuses.push(`${s.type}: ${s.error?.message ?? s.data ?? ""}`);
})();
console.log("connected");
const deadline = setTimeout(() => { console.log(JSON.stringify({ closed: false, statuses })); process.exit(2); }, 30000);
const error = await nc.closed();
clearTimeout(deadline);
console.log(JSON.stringify({ closed: true, error: String(error?.message ?? error ?? ""), statuses }));
