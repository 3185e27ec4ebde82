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
const index = JSON.parse(process.env.SNOWSSI_JSII_INDEX || "{}");
if (nodeOptions === null) delete process.env.NODE_OPTIONS;
else process.env.NODE_OPTIONS = nodeOptions;
for (const name of ["JSII_RUNTIME", "SNOWSSI_JSII_NODE_OPTIONS", "SNOWSSI_JSII_LAZY_PACKAGES", "SNOWSSI_JSII_INDEX"]) {
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

// jsii (1.142) reads a cached package's assembly through its runtime index (the types,
// one per line, parsed on demand) when there is one. Without it, it parses the whole
// assembly (129 MB of JSON for aws), then starts a worker thread that parses it again to
// write the index; and its exit request ends the process, and so the worker, before a
// short synth has let it finish: no index, and every later run parses it all again.
// Unless SNOWSSI_PLAIN_INDEX is set, the worker starts as soon as jsii finds no index,
// before its own parse, so that both parses run at once on two cores (the Python side
// waits for the load meanwhile) and the worker is done when the synth is; and the
// kernel's exit waits for the workers. Nothing outlives the process: they are its threads.
const workerThreads = require("worker_threads");
const BaseWorker = workerThreads.Worker;
const plainIndex = index.plain === true;
const traceFile = index.trace || "";
const INDEX_WORKER = "runtime-index-worker.js";
const MANIFEST = /^\.jsii\.runtime\.v\d+\.json$/;
const indexWorkers = new Set();
// Package folder -> its index worker: one worker per package.
const workerOfPackage = new Map();
// What jsii passes its first worker; until then a worker cannot start early.
let supportedFeatures = null;

function trace(event, packageDir, extra) {
  if (!traceFile) return;
  const name = packageDir === null ? null : packageDir.split(`node_modules${path.sep}`).pop();
  const ms = Math.round(process.uptime() * 1000);
  fs.appendFileSync(traceFile, JSON.stringify({ event, package: name, ms, ...extra }) + "\n");
}

function countedWorker(filename, options, packageDir, started) {
  const worker = new BaseWorker(filename, options);
  trace("worker", packageDir, { started });
  indexWorkers.add(worker);
  worker.once("exit", () => indexWorkers.delete(worker));
  return worker;
}

if (!plainIndex) {
  workerThreads.Worker = class extends BaseWorker {
    constructor(filename, options, ...rest) {
      const data = options && options.workerData;
      if (path.basename(String(filename)) !== INDEX_WORKER || !data || !data.packageDir) {
        super(filename, options, ...rest);
        return;
      }
      supportedFeatures = data.supportedFeatures;
      const packageDir = path.resolve(data.packageDir);
      if (!workerOfPackage.has(packageDir)) {
        workerOfPackage.set(packageDir, countedWorker(filename, options, packageDir, "after-parse"));
      }
      return workerOfPackage.get(packageDir);
    }
  };

  // jsii reads the index's manifest right before it would parse the assembly.
  const readFileSync = fs.readFileSync;
  const workerScript = path.join(__dirname, "..", "lib", INDEX_WORKER);
  fs.readFileSync = function (file, ...rest) {
    // Every CommonJS require reads through here: the cheap tests first.
    if (
      supportedFeatures !== null &&
      typeof file === "string" &&
      file.includes(".jsii.runtime.v") &&
      MANIFEST.test(path.basename(file))
    ) {
      startEarly(path.resolve(path.dirname(file)), file);
    }
    return readFileSync.call(fs, file, ...rest);
  };
  function startEarly(packageDir, manifest) {
    if (workerOfPackage.has(packageDir) || fs.existsSync(manifest) || !fs.existsSync(workerScript)) {
      return;
    }
    try {
      const data = { packageDir, supportedFeatures };
      const worker = countedWorker(workerScript, { workerData: data }, packageDir, "early");
      // Best effort, as jsii's own worker: the next run tries again.
      worker.on("error", () => {});
      workerOfPackage.set(packageDir, worker);
    } catch {
      // jsii starts its own after the parse.
    }
  }
}

function exitAfterIndexWorkers(exit) {
  return function (code) {
    trace("exit", null, { waiting: indexWorkers.size });
    if (indexWorkers.size === 0) return exit(code);
    const pending = [...indexWorkers].map((worker) => new Promise((done) => worker.once("exit", done)));
    Promise.all(pending).then(() => {
      trace("exit-waited", null, {});
      exit(code);
    });
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
