"use strict";
// Copied by snowssi_constructs._startup.kernel into the user's cache; see its docstring.
const fs = require("fs");
const path = require("path");
const Module = require("module");
const { Writable } = require("stream");

// Parameters of this kernel; anything the kernel starts sees the environment as the
// user had it.
const nodeOptions = JSON.parse(process.env.SNOWSSI_JSII_NODE_OPTIONS || "null");
const lazyPackages = new Set(JSON.parse(process.env.SNOWSSI_JSII_LAZY_PACKAGES || "[]"));
if (nodeOptions === null) delete process.env.NODE_OPTIONS;
else process.env.NODE_OPTIONS = nodeOptions;
for (const name of ["JSII_RUNTIME", "SNOWSSI_JSII_NODE_OPTIONS", "SNOWSSI_JSII_LAZY_PACKAGES"]) {
  delete process.env[name];
}

// The kernel reads requests from and writes responses to fd 3: here, Python's pipes.
const readSync = fs.readSync;
const writeSync = fs.writeSync;
fs.readSync = function (fd, ...rest) {
  return readSync.call(fs, fd === 3 ? 0 : fd, ...rest);
};
fs.writeSync = function (fd, ...rest) {
  return writeSync.call(fs, fd === 3 ? 1 : fd, ...rest);
};

// Console output of JavaScript code must not reach fd 1, the response channel: it goes
// to stderr as one JSON line per chunk, the form jsii's wrapper uses and Python decodes.
function forwarded(name) {
  const stream = new Writable({
    write(chunk, encoding, callback) {
      const line = JSON.stringify({ [name]: Buffer.from(chunk).toString("base64") });
      const data = Buffer.from(line + "\n");
      for (let offset = 0; offset < data.length; ) {
        offset += writeSync.call(fs, 2, data, offset);
      }
      callback();
    },
  });
  stream.fd = 2;
  return stream;
}
for (const name of ["stdout", "stderr"]) {
  const stream = forwarded(name);
  Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => stream });
}

// --preserve-symlinks comes through NODE_OPTIONS; the kernel looks for it in execArgv to
// link cached packages with symlinks (otherwise it copies them, seconds for aws).
if (!process.execArgv.includes("--preserve-symlinks")) {
  process.execArgv.push("--preserve-symlinks");
}

// The bindings' lazy-index.js: the exports of index.js, each required on first use.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const resolved = resolveFilename.call(this, request, ...rest);
  if (lazyPackages.has(request) && path.basename(resolved) === "index.js") {
    const lazy = path.join(path.dirname(resolved), "lazy-index.js");
    if (fs.existsSync(lazy)) return lazy;
  }
  return resolved;
};

require(path.join(__dirname, "..", "lib", "program.js"));
