// What a sensor's credentials allow, checked with the official NATS JavaScript client.
// argv[2]: a JSON file {natsUrl, creds, inboxPrefix, stream, ownConsumer, otherConsumer,
//                       ownStatus, otherStatus, otherInbox, otherCommands}
// stdout: {"allowed": {check: true|false}, "denied": {check: true|false}}  (true = as the check expects)
import { readFileSync } from "node:fs";
import { connectAsSensor } from "./sensor-connection.mjs";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const nc = await connectAsSensor(input, { timeout: 5000 });

const errors = [];
(async () => {
  for await (const s of nc.status()) {
    if (s.type === "error") errors.push(String(s.error?.message ?? s.error));
  }
})();

// The server answers a PING only after it has handled (and refused) everything sent before it.
async function violations(action) {
  const before = errors.length;
  try {
    await action();
  } catch (e) {
    errors.push(String(e?.message ?? e));
  }
  await nc.flush();
  await new Promise((resolve) => setImmediate(resolve));
  return errors.slice(before).filter((e) => /permission/i.test(e));
}

const js = jetstream(nc, { timeout: 3000 });
const allowed = {
  publishOwnStatus: (await violations(() => nc.publish(input.ownStatus, "{}"))).length === 0,
  subscribeOwnInbox: (await violations(() => nc.subscribe(`${input.inboxPrefix}.probe`))).length === 0,
  ownConsumerInfo: await js.consumers.get(input.stream, input.ownConsumer).then(async (c) => (await c.info()).name === input.ownConsumer).catch(() => false),
  ownConsumerNext: await js.consumers.get(input.stream, input.ownConsumer).then(async (c) => { await c.next({ expires: 1000 }); return true; }).catch(() => false),
};
const denied = {
  publishOtherStatus: (await violations(() => nc.publish(input.otherStatus, "{}"))).length > 0,
  subscribeOtherInbox: (await violations(() => nc.subscribe(`${input.otherInbox}.>`))).length > 0,
  subscribeOtherCommands: (await violations(() => nc.subscribe(input.otherCommands))).length > 0,
  otherConsumer: await js.consumers.get(input.stream, input.otherConsumer).then(async (c) => { await c.next({ expires: 1000 }); return false; }).catch(() => true),
  streamInfo: await jetstreamManager(nc, { timeout: 2000 }).then(async (m) => { await m.streams.info(input.stream); return false; }).catch(() => true),
};

await nc.close();
process.stdout.write(JSON.stringify({ allowed, denied, errors }));
