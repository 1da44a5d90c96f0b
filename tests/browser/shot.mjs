// Screenshots one page of a running server with a session cookie, for looking at a page by
// hand: node tests/browser/shot.mjs --base URL --cookie 'name=value' --path /overview --out x.png [--width 1280]
import { chromium } from 'playwright-core'

function arg (name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback
}
const base = arg('base', 'http://127.0.0.1:8099')
const [name, value] = arg('cookie', '=').split(/=(.*)/s)
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
const context = await browser.newContext({ viewport: { width: Number(arg('width', '1280')), height: 900 } })
if (name) await context.addCookies([{ name, value, url: base }])
const page = await context.newPage()
await page.goto(base + arg('path', '/'))
await page.screenshot({ path: arg('out', '/tmp/shot.png'), fullPage: true })
await browser.close()
