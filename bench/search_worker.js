// Time Material's own search worker (the site's assets/javascripts/workers/search.*.min.js)
// getting ready on a built site's search index, as a visitor's browser does it:
//
//     node bench/search_worker.js SITE_DIR
//
// The main thread parses search/search_index.json (the page's fetch().json()) and posts
// the setup message to a worker thread, which runs the theme's worker script with the few
// Web Worker globals it uses (self, addEventListener, postMessage, importScripts). Printed
// as one JSON line: parse and ready times in ms (ready counts from the parsed index, so
// parse + ready is the wait after download), the worker's heap, and one query's hits as a
// check that the index works. Message types are Material's: 0 setup, 1 ready, 2 query, 3 result.
"use strict"
const fs = require("fs")
const path = require("path")
const { Worker, isMainThread, parentPort, workerData } = require("worker_threads")

if (isMainThread) main(process.argv[2])
else runWorker(workerData.script)

function main(site) {
  const folder = path.join(site, "assets", "javascripts", "workers")
  const name = fs.readdirSync(folder).find(f => /^search\..*\.min\.js$/.test(f))
  const text = fs.readFileSync(path.join(site, "search", "search_index.json"), "utf8")
  const worker = new Worker(__filename, { workerData: { script: path.join(folder, name) } })
  const t0 = performance.now()
  const index = JSON.parse(text)
  const t1 = performance.now()
  const setup = { config: index.config, docs: index.docs, options: { suggest: false } }
  worker.postMessage({ type: 0, data: setup })
  const query = index.docs.length ? index.docs[index.docs.length - 1].title.split(/\s/)[0] : ""
  worker.on("message", msg => {
    if (msg.type === 1) {
      const ready = performance.now() - t1
      worker.postMessage({ type: 2, data: query })
      worker.once("message", res => report(worker, t1 - t0, ready, res.data))
    }
  })
  worker.on("error", err => { console.error(err); process.exit(1) })
}

function report(worker, parse, ready, result) {
  worker.postMessage({ type: "heap" })
  worker.once("message", heap => {
    const hits = result.items.length
    console.log(JSON.stringify({ parse_ms: parse, ready_ms: ready, heap_mb: heap / 2 ** 20, hits }))
    worker.terminate()
  })
}

function runWorker(script) {
  const vm = require("vm")
  const v8 = require("v8")
  const listeners = []
  globalThis.self = globalThis
  globalThis.addEventListener = (type, fn) => { if (type === "message") listeners.push(fn) }
  globalThis.postMessage = msg => parentPort.postMessage(msg)
  globalThis.importScripts = (...urls) => {
    for (const url of urls)
      vm.runInThisContext(fs.readFileSync(path.resolve(path.dirname(script), url), "utf8"))
  }
  parentPort.on("message", msg => {
    if (msg.type === "heap") {
      global.gc && global.gc()
      parentPort.postMessage(v8.getHeapStatistics().used_heap_size)
    } else for (const fn of listeners) fn({ data: msg })
  })
  vm.runInThisContext(fs.readFileSync(script, "utf8"), { filename: script })
}
