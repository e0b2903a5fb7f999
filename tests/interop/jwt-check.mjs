// Cross-check of our NATS JWTs and .creds with the official @nats-io/jwt and @nats-io/nkeys.
// stdin:  {"jwts":["…"], "creds":"…"}
// stdout: {"jwts":[{"claims":{…},"verified":true}], "creds":{"jwt":"…","seedPublicKey":"U…"}}
import { readFileSync } from "node:fs";
import { decode, parseCreds } from "@nats-io/jwt";
import { fromPublic, fromSeed } from "@nats-io/nkeys";

const input = JSON.parse(readFileSync(0, "utf8"));

const encoder = new TextEncoder();
const jwts = input.jwts.map((token) => {
  const claims = decode(token);
  const [header, payload, signature] = token.split(".");
  const verified = fromPublic(claims.iss).verify(encoder.encode(`${header}.${payload}`), Buffer.from(signature, "base64url"));
  return { claims, header: JSON.parse(Buffer.from(header, "base64url").toString()), verified };
});

let creds = null;
if (input.creds) {
  const parsed = await parseCreds(encoder.encode(input.creds));
  creds = { jwt: parsed.jwt, seedPublicKey: fromSeed(encoder.encode(parsed.key)).getPublicKey(), subject: parsed.uc.sub };
}

process.stdout.write(JSON.stringify({ jwts, creds }));
