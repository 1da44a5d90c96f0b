// Accessibility crawl of the web app: every page, for every role, checked with axe-core in
// Debian's Chromium (driven by playwright-core, no browser download), with the WCAG 2.2 AA
// rule set; zero violations pass. Also screenshots every page at 320 px and 1280 px wide
// into docs/screenshots/ (WCAG 1.4.10 reflow), and fails on any Content-Security-Policy
// violation the browser reports.
//
// How to run (from the repository root):
//
//   apt-get install -y chromium                      # once, if /usr/bin/chromium is missing
//   (cd tests/browser && npm ci --ignore-scripts)    # once
//   cargo build -p vschool-web --example seeded_server
//   target/debug/examples/seeded_server --bind 127.0.0.1:8099 --accounts /tmp/vschool-accounts.json &
//   node tests/browser/axe.mjs --base http://127.0.0.1:8099 --accounts /tmp/vschool-accounts.json
//   kill %1
//
// The accounts file lists one signed-in user per role (email, password, TOTP secret) and
// the pages each role should open (see docs/accessibility.md); the seeded server writes it.
// Exit status 0 means no violations; the report is printed either way.

import { createHmac } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'

const require = createRequire(import.meta.url)
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

const here = dirname(fileURLToPath(import.meta.url))
const repo = resolve(here, '..', '..')

function arg (name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback
}

const base = arg('base', 'http://127.0.0.1:8099').replace(/\/$/, '')
const accountsFile = arg('accounts', '')
const shots = resolve(repo, arg('screenshots', 'docs/screenshots'))
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
const WIDTHS = [320, 1280]

// RFC 6238 TOTP (SHA-1, 6 digits, 30 s), as authenticator apps compute it.
function base32Decode (s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(ch)
    if (v < 0) throw new Error(`bad base32 character ${ch}`)
    bits += v.toString(2).padStart(5, '0')
  }
  const bytes = []
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(bytes)
}

function totp (secret, at = Date.now()) {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)))
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest()
  const offset = mac[mac.length - 1] & 0x0f
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000
  return String(code).padStart(6, '0')
}

const results = []

async function check (page, name, { expectStatus } = {}) {
  await page.evaluate(axeSource)
  const outcome = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    return r.violations.map(v => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)
    }))
  }, TAGS)
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 320 ? 640 : 900 })
    await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true })
  }
  await page.setViewportSize({ width: 1280, height: 900 })
  results.push({ name, url: page.url(), violations: outcome, expectStatus })
}

async function visit (page, name, path, { status = 200 } = {}) {
  const res = await page.goto(base + path, { waitUntil: 'load' })
  const got = res ? res.status() : 0
  if (got !== status) {
    results.push({ name, url: base + path, violations: [], error: `status ${got}, expected ${status}` })
    return
  }
  await check(page, name)
}

// One entry of a role's page list: visit `path`; then optionally follow the first link
// matching `follow`, or fill in `fill` ({selector: value}), choose `select` ({selector:
// value}), attach `upload` ({selector: {name, text}}) and click `submit`. With `settle`, a
// page that shows background work and loads itself again when it is over (an import's
// progress: progress.js polls its JSON) is waited for until it has, then checked.
async function step (page, name, p) {
  if (!p.follow && !p.submit) {
    await visit(page, name, p.path, { status: p.status || 200 })
    return
  }
  await page.goto(base + p.path, { waitUntil: 'load' })
  if (p.follow) {
    const href = await page.getAttribute(p.follow, 'href')
    if (!href) {
      results.push({ name, url: base + p.path, violations: [], error: `no link matches ${p.follow}` })
      return
    }
    await visit(page, name, href, { status: p.status || 200 })
    return
  }
  for (const [selector, value] of Object.entries(p.fill || {})) await page.fill(selector, value)
  for (const [selector, value] of Object.entries(p.select || {})) await page.selectOption(selector, value)
  if (p.check) await page.check(p.check)
  for (const [selector, f] of Object.entries(p.upload || {})) {
    await page.setInputFiles(selector, { name: f.name, mimeType: 'text/csv', buffer: Buffer.from(f.text) })
  }
  const [res] = await Promise.all([page.waitForNavigation(), page.click(p.submit)])
  const got = res ? res.status() : 0
  if (p.settle) {
    // The script reloads the page when the work is over; the result has no progress bar.
    await page.waitForSelector('[data-module="app-progress"][data-progress-reload]', { state: 'detached', timeout: 30000 })
    await page.waitForLoadState('load')
  }
  if (got !== (p.status || 200)) {
    results.push({ name, url: page.url(), violations: [], error: `status ${got}` })
    return
  }
  await check(page, name)
}

async function signIn (page, account) {
  await page.goto(base + '/sign-in')
  await page.fill('#email', account.email)
  await page.fill('#password', account.password)
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')])
  // A code is accepted once: wait for the next 30-second step if this one was used.
  await page.fill('#code', totp(account.totp_secret))
  await Promise.all([page.waitForNavigation(), page.click('form[action="/sign-in/second-factor"] button[type=submit]')])
}

async function signOut (page) {
  await Promise.all([page.waitForNavigation(), page.click('.app-signed-in button[type=submit]')])
}

async function main () {
  mkdirSync(shots, { recursive: true })
  const profile = mkdtempSync(join(tmpdir(), 'vschool-chromium-'))
  // A fresh profile each run (playwright passes it to Chromium as --user-data-dir).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'
    ]
  })
  const cspViolations = []
  try {
    const page = context.pages()[0] || await context.newPage()
    page.on('console', msg => {
      if (/Content.Security.Policy|Refused to/i.test(msg.text())) cspViolations.push(`${page.url()}: ${msg.text()}`)
    })

    // Pages anyone can reach.
    await visit(page, 'sign-in', '/sign-in')
    await visit(page, 'accessibility', '/accessibility')
    await visit(page, 'privacy', '/privacy')
    await visit(page, 'not-found', '/no-such-page', { status: 404 })

    // The sign-in form's error state: submit it empty.
    await page.goto(base + '/sign-in')
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')])
    await check(page, 'sign-in-errors')

    if (accountsFile) {
      const seed = JSON.parse(readFileSync(accountsFile, 'utf8'))
      // Enrolment of a second factor, for an account that has a password but no TOTP yet.
      if (seed.enrol) {
        await page.goto(base + '/sign-in')
        await page.fill('#email', seed.enrol.email)
        await page.fill('#password', seed.enrol.password)
        await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')])
        await check(page, 'second-factor-enrol')
        await Promise.all([page.waitForNavigation(), page.click('form[action="/sign-in/second-factor/enrol"] button[type=submit]')])
        await check(page, 'second-factor-enrol-errors')
        await signOut(page)
      }
      if (seed.set_password_path) {
        await visit(page, 'set-password', seed.set_password_path)
      }
      // Public pages of the seeded data (asking for packs, an unsubscribe link).
      for (const p of seed.public_pages || []) await step(page, p.name, p)
      for (const account of seed.accounts) {
        await signIn(page, account)
        const role = account.role
        await check(page, `${role}-home`)
        for (const p of account.pages || []) {
          await step(page, `${role}-${p.name}`, p)
        }
        await signOut(page)
      }
    }
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }

  let failed = 0
  for (const r of results) {
    if (r.error) {
      failed++
      console.log(`FAIL ${r.name} ${r.url}: ${r.error}`)
    } else if (r.violations.length) {
      failed++
      console.log(`FAIL ${r.name} ${r.url}`)
      for (const v of r.violations) console.log(`  ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`)
    } else {
      console.log(`ok   ${r.name}`)
    }
  }
  for (const c of cspViolations) {
    failed++
    console.log(`FAIL CSP ${c}`)
  }
  console.log(`${results.length} pages checked with axe-core (${TAGS.join(', ')}), ${failed} failed; screenshots in ${shots}`)
  process.exit(failed ? 1 : 0)
}

main().catch(err => {
  console.error(err)
  process.exit(2)
})
