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

// jsii (1.142) builds each cached package's runtime index (the types of its assembly,
// one per line, read on demand; without it every run parses the whole assembly, 129 MB
// of JSON for aws) in a worker thread, and the kernel's exit request ends the process,
// and so the worker, before a short synth has let it finish. The index workers are
// counted, and the kernel's exit waits for them: once the first run has written the
// index, later runs use it. Nothing outlives the process: the workers are its threads.
const workerThreads = require("worker_threads");
const indexWorkers = new Set();
const BaseWorker = workerThreads.Worker;
workerThreads.Worker = class extends BaseWorker {
  constructor(filename, ...rest) {
    super(filename, ...rest);
    if (String(filename).endsWith("runtime-index-worker.js")) {
      indexWorkers.add(this);
      this.once("exit", () => indexWorkers.delete(this));
    }
  }
};
function exitAfterIndexWorkers(exit) {
  return function (code) {
    if (indexWorkers.size === 0) return exit(code);
    const pending = [...indexWorkers].map((worker) => new Promise((done) => worker.once("exit", done)));
    Promise.all(pending).then(() => exit(code));
  };
}

// The kernel takes process.exit for its exit request while program.js loads.
const exit = process.exit;
process.exit = exitAfterIndexWorkers(exit.bind(process));
try {
  require(path.join(__dirname, "..", "lib", "program.js"));
} finally {
  process.exit = exit;
}
