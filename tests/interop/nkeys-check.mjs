// Cross-check of the keys RavenXcope makes (with the NATS.NKeys package) against the official @nats-io/nkeys.
// stdin:  {"ours":[{"seed","publicKey","data","signature"}]}   (data and signature base64)
// stdout: {"ours":[{"publicKeyMatches","signatureVerifies","tamperedVerifies"}],
//          "theirs":[{"role","seed","publicKey","data","signature"}]}
import { readFileSync } from "node:fs";
import { createOperator, createAccount, createUser, fromSeed, fromPublic } from "@nats-io/nkeys";

const text = new TextEncoder();
const input = JSON.parse(readFileSync(0, "utf8"));

const ours = input.ours.map((item) => {
  const data = Buffer.from(item.data, "base64");
  const signature = Buffer.from(item.signature, "base64");
  const tampered = Buffer.from(data);
  tampered[0] ^= 1;
  const pair = fromSeed(text.encode(item.seed));
  const verifier = fromPublic(item.publicKey);
  return {
    publicKeyMatches: pair.getPublicKey() === item.publicKey,
    signatureVerifies: verifier.verify(data, signature),
    tamperedVerifies: verifier.verify(tampered, signature),
  };
});

const theirs = [["operator", createOperator()], ["account", createAccount()], ["user", createUser()]].map(([role, pair]) => {
  const data = text.encode(`signed by @nats-io/nkeys as ${role} at ${Date.now()}`);
  return {
    role,
    seed: new TextDecoder().decode(pair.getSeed()),
    publicKey: pair.getPublicKey(),
    data: Buffer.from(data).toString("base64"),
    signature: Buffer.from(pair.sign(data)).toString("base64"),
  };
});

process.stdout.write(JSON.stringify({ ours, theirs }));
