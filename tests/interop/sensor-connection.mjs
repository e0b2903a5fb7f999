// A connection with a sensor's credentials, as its agent holds one, for the scripts that play or probe a sensor.
import { connect, credsAuthenticator } from "@nats-io/transport-node";

// input: {natsUrl, creds, inboxPrefix}. It never reconnects: a dropped connection is what some checks wait for.
export function connectAsSensor(input, options = {}) {
  return connect({
    servers: input.natsUrl,
    authenticator: credsAuthenticator(new TextEncoder().encode(input.creds)),
    inboxPrefix: input.inboxPrefix,
    maxReconnectAttempts: 0,
    ...options,
  });
}
