// serve_liquidjs.js -- a long-running LiquidJS oracle (default options, TZ=UTC).
//
// Reads one JSON object per line on stdin: {"template", "context", "now"?}; writes one JSON
// object per line on stdout: {"output"} or {"error": "Name: message"}. "now" (an ISO 8601
// time) fixes what `new Date()` and `Date.now()` answer for that one case.
'use strict'
process.env.TZ = 'UTC'
const readline = require('readline')
const { Liquid } = require('liquidjs')

const RealDate = Date
let frozen = null
class FrozenDate extends RealDate {
  constructor (...args) {
    if (args.length === 0 && frozen !== null) super(frozen)
    else super(...args)
  }
  static now () { return frozen !== null ? frozen : RealDate.now() }
}
global.Date = FrozenDate

const engine = new Liquid()
process.stderr.write(`LiquidJS ${require('liquidjs/package.json').version}; Node ${process.version}\n`)

const lines = readline.createInterface({ input: process.stdin, terminal: false })
lines.on('line', (line) => {
  const request = JSON.parse(line)
  const entry = {}
  try {
    frozen = request.now ? RealDate.parse(request.now) : null
    entry.output = engine.parseAndRenderSync(request.template, request.context || {})
  } catch (e) {
    entry.error = `${e.name}: ${e.message}`
  } finally {
    frozen = null
  }
  process.stdout.write(JSON.stringify(entry) + '\n')
})
