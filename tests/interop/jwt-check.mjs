// Cross-check of our NATS JWTs and .creds with the official @nats-io/jwt and @nats-io/nkeys.
// stdin:  {"jwts":["…"], "creds":"…"}
// stdout: {"jwts":[{"claims":{…},"verified":true}], "creds":{"jwt":"…","seedPublicKey":"U…"}}
import { decode, parseCreds } from "@nats-io/jwt";
import { fromPublic, fromSeed } from "@nats-io/nkeys";

const input = JSON.parse(await new Promise((resolve, reject) => {
  let buffer = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => (buffer += chunk));
  process.stdin.on("end", () => resolve(buffer));
  process.stdin.on("error", reject);
}));

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
