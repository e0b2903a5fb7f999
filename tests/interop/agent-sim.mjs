// Plays a sensor agent with the official JavaScript client: pulls commands from its own consumer,
// acks each, and reports the outcome on its status subject.
// argv[2]: a JSON file {natsUrl, creds, inboxPrefix, stream, ownConsumer, ownStatus, count}
// stdout: {"commands":[{commandId, type}]}
import { readFileSync } from "node:fs";
import { connectAsSensor } from "./sensor-connection.mjs";
import { jetstream } from "@nats-io/jetstream";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const nc = await connectAsSensor(input);
const consumer = await jetstream(nc).consumers.get(input.stream, input.ownConsumer);
const commands = [];
let observed = "stopped";
while (commands.length < input.count) {
  const message = await consumer.next({ expires: 10000 });
  if (message === null) break;
  const command = message.json();
  message.ack();
  observed = command.type === "stop" ? "stopped" : "running";
  commands.push({ commandId: command.commandId, type: command.type });
  nc.publish(input.ownStatus, JSON.stringify({
    desired: observed, observed, lastCommandId: command.commandId, lastCommandOutcome: "done", trustState: "trusted", agentVersion: "sim",
  }));
}
// A malformed status must be dropped by the bridge, not crash it.
nc.publish(input.ownStatus, "not json");
await nc.flush();
await nc.close();
process.stdout.write(JSON.stringify({ commands }));
