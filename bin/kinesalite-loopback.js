#!/usr/bin/env node
// Starts kinesalite (the Kinesis emulator from package.json) on the loopback interface only.
//
//   node bin/kinesalite-loopback.js [--port N] [--path DIR] [--host 127.0.0.1]
//                                   [--createStreamMs 50] [--deleteStreamMs 50] [--updateStreamMs 50]
//                                   [--shardLimit 100] [--exit-on-stdin-close]
//
// --port 0 (the default) picks a free port. --path keeps the streams in LevelDB under DIR, else
// they live in memory. When listening it prints exactly one machine-readable line on stdout:
//
//   KINESALITE_LISTENING {"host":"127.0.0.1","port":45678,"pid":1234}
//
// It exits on SIGTERM/SIGINT, and with --exit-on-stdin-close also when its parent closes stdin
// (so that a parent killed with SIGKILL does not leave an orphan behind).
'use strict'

const path = require('path')

const argv = require('minimist')(process.argv.slice(2), {
  string: ['host', 'path'],
  boolean: ['exit-on-stdin-close'],
  default: {
    host: '127.0.0.1', port: 0,
    createStreamMs: 50, deleteStreamMs: 50, updateStreamMs: 50, shardLimit: 100,
  },
})

const loopback = ['127.0.0.1', '::1', 'localhost']
if (!loopback.includes(argv.host)) {
  console.error(`kinesalite-loopback: refusing to bind ${argv.host}; only ${loopback.join(', ')}`)
  process.exit(2)
}

let kinesalite
try {
  kinesalite = require('kinesalite')
} catch (e) {
  console.error('kinesalite-loopback: cannot load kinesalite; run bin/npm-ensure or npm ci at ' +
    path.resolve(__dirname, '..') + ': ' + e.message)
  process.exit(3)
}

const options = {
  createStreamMs: Number(argv.createStreamMs),
  deleteStreamMs: Number(argv.deleteStreamMs),
  updateStreamMs: Number(argv.updateStreamMs),
  shardLimit: Number(argv.shardLimit),
}
if (argv.path) options.path = path.resolve(argv.path)

const server = kinesalite(options)
let stopping = false

function stop(reason, code) {
  if (stopping) return
  stopping = true
  console.log(`kinesalite-loopback: stopping (${reason})`)
  // Never hang on close: open keep-alive connections would keep the server up.
  setTimeout(() => process.exit(code), 2000).unref()
  try {
    if (server.closeAllConnections) server.closeAllConnections()
    server.close(() => process.exit(code))
  } catch (e) {
    process.exit(code)
  }
}

server.on('error', (e) => {
  console.error('kinesalite-loopback: ' + e.message)
  process.exit(1)
})

server.listen(Number(argv.port), argv.host, () => {
  const address = server.address()
  console.log('KINESALITE_LISTENING ' + JSON.stringify({ host: address.address, port: address.port, pid: process.pid }))
})

process.on('SIGTERM', () => stop('SIGTERM', 0))
process.on('SIGINT', () => stop('SIGINT', 0))
if (argv['exit-on-stdin-close']) {
  process.stdin.on('end', () => stop('stdin closed', 0))
  process.stdin.on('error', () => stop('stdin error', 0))
  process.stdin.resume()
}
