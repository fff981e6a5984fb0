// node-postgres's crypto helpers (pg/lib/crypto/utils.js, the same functions and results) on
// node:crypto's plain functions instead of WebCrypto: logging in (SCRAM) then loads no WebCrypto,
// which costs a command ~15 ms. build.mjs puts this file in place of that one in dist/pg.cjs, and
// refuses to build if pg's list of functions ever differs from this one's.
"use strict";
const nodeCrypto = require("node:crypto");

function randomBytes(length) {
  return nodeCrypto.randomBytes(length);
}

async function md5(string) {
  return nodeCrypto.createHash("md5").update(string, "utf-8").digest("hex");
}

async function postgresMd5PasswordHash(user, password, salt) {
  const inner = await md5(password + user);
  const outer = await md5(Buffer.concat([Buffer.from(inner), salt]));
  return "md5" + outer;
}

async function sha256(text) {
  return nodeCrypto.createHash("sha256").update(text).digest();
}

async function hashByName(hashName, text) {
  return nodeCrypto.createHash(hashName.replace("-", "").toLowerCase()).update(text).digest();
}

async function hmacSha256(keyBuffer, msg) {
  return nodeCrypto.createHmac("sha256", Buffer.from(keyBuffer)).update(msg, "utf8").digest();
}

async function deriveKey(password, salt, iterations) {
  return nodeCrypto.pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
}

module.exports = { postgresMd5PasswordHash, randomBytes, deriveKey, sha256, hashByName, hmacSha256, md5 };
