// Progressive enhancement only: every page works without this file.
//
// A module script runs only in browsers that GOV.UK Frontend supports, so marking the body
// here replaces the inline snippet of Frontend's page template (our Content-Security-Policy
// allows no inline script).
import { initAll } from './govuk-frontend.min.js'
import { initAllProgress } from './progress.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
initAllProgress()
