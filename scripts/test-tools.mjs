#!/usr/bin/env node
// Runs before `npm test`: the signature and document tests use real validators (poppler's pdfsig,
// pdftotext, pdfinfo; NSS's certutil; openssl; unzip). On a Debian/Ubuntu machine where we may
// install packages (root, or passwordless sudo) the missing ones are installed; anywhere else the
// exact command to run is printed and the tests do not start.
import { execFileSync, spawnSync } from "node:child_process";

const TOOLS = {
  pdfsig: "poppler-utils",
  pdftotext: "poppler-utils",
  pdfinfo: "poppler-utils",
  certutil: "libnss3-tools",
  openssl: "openssl",
  unzip: "unzip",
};

const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
const missing = [...new Set(Object.entries(TOOLS).filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg))];
if (missing.length === 0) process.exit(0);

const command = `apt-get install -y ${missing.join(" ")}`;
const root = typeof process.getuid === "function" && process.getuid() === 0;
const sudo = !root && has("sudo") && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
if (has("apt-get") && (root || sudo) && !process.env.CUSTOS_NO_APT) {
  console.log(`Installing the validators the tests use: ${missing.join(", ")}`);
  const run = (args) =>
    execFileSync(root ? args[0] : "sudo", root ? args.slice(1) : ["-n", ...args], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  run(["apt-get", "update", "-qq"]);
  run(["apt-get", "install", "-y", "-qq", ...missing]);
  process.exit(0);
}
console.error(`The tests check signatures with real validators. Install them first:\n\n  sudo ${command}\n`);
process.exit(1);
