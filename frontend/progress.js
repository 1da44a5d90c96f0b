// Progress of background work (an import, a half term's emails): polls the JSON report
// beside the page (crates/vschool-web/src/progress.rs) and moves the bar, the counts and a
// polite live region, so nobody has to reload. Only an enhancement: without this script the
// page says where the work had got and offers "Refresh progress". A static file, as the
// Content-Security-Policy allows no inline script; `fetch` stays on our origin
// (`connect-src 'self'`).
//
// Markup (templates/components/progress.html):
//   <div data-module="app-progress" data-progress-url="…/progress.json"
//        [data-progress-reload="true"] [data-progress-finished="true"]>
//     <label data-progress-status>…</label> <progress …>
//     <span data-progress-item="sent">3</span> …
//     <p role="status" data-progress-live></p>
//     <p data-progress-refresh><a href="…">Refresh progress</a></p>
//   </div>
//   <p data-progress-done hidden>…</p>   (shown when the work is over)

const POLL_MS = 2000
// Consecutive failed polls (network, signed out) before the script stops and shows the
// "Refresh progress" link again.
const MAX_FAILURES = 5

// The live region speaks at each quarter and at the end, not at every poll.
function quarter (percent) {
  return Math.floor(Number(percent) / 25)
}

export function initProgress (root) {
  const url = root.getAttribute('data-progress-url')
  if (!url || root.hasAttribute('data-progress-finished')) return
  const bar = root.querySelector('progress')
  const status = root.querySelector('[data-progress-status]')
  const live = root.querySelector('[data-progress-live]')
  const refresh = root.querySelector('[data-progress-refresh]')
  const reload = root.getAttribute('data-progress-reload') === 'true'
  let spoken = bar ? quarter(bar.value) : 0
  let failures = 0

  if (refresh) refresh.hidden = true

  function say (text) {
    if (live) live.textContent = text
  }

  function show (report) {
    const percent = Math.max(0, Math.min(100, Number(report.percent) || 0))
    if (bar) {
      bar.value = percent
      bar.textContent = percent + '%'
    }
    if (status && typeof report.status === 'string') status.textContent = report.status
    for (const item of report.items || []) {
      for (const el of root.querySelectorAll('[data-progress-item]')) {
        if (el.getAttribute('data-progress-item') === item.key) el.textContent = String(item.value)
      }
    }
  }

  function finish (report) {
    root.setAttribute('data-progress-finished', 'true')
    if (reload) {
      window.location.reload()
      return
    }
    for (const el of document.querySelectorAll('[data-progress-done]')) el.hidden = false
    for (const el of document.querySelectorAll('[data-progress-running]')) el.hidden = true
    say(report.status)
  }

  async function poll () {
    let report
    try {
      const res = await fetch(url, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
        // Signed out: the server redirects to the sign-in page, which is not a report.
        redirect: 'error'
      })
      const type = res.headers.get('Content-Type') || ''
      if (!res.ok || !type.startsWith('application/json')) throw new Error(`status ${res.status}`)
      report = await res.json()
    } catch (e) {
      failures += 1
      if (failures >= MAX_FAILURES) {
        if (refresh) refresh.hidden = false
        return
      }
      window.setTimeout(poll, POLL_MS)
      return
    }
    failures = 0
    show(report)
    if (report.finished) {
      finish(report)
      return
    }
    const now = quarter(report.percent)
    if (now > spoken) {
      spoken = now
      say(report.status)
    }
    window.setTimeout(poll, POLL_MS)
  }

  window.setTimeout(poll, POLL_MS)
}

export function initAllProgress (scope = document) {
  for (const root of scope.querySelectorAll('[data-module="app-progress"]')) initProgress(root)
}
