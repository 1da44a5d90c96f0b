#!/usr/bin/env bash
# Rebuilds the web app's front-end assets from the pinned npm packages.
#
# Node is needed only here, never by `cargo build`: the output in
# crates/vschool-web/assets/dist/ is committed and embedded in the binary. CI re-runs this
# script and checks `git diff --exit-code crates/vschool-web/assets/dist` to prove the
# committed files are reproducible from frontend/package-lock.json.
#
# Usage: scripts/vendor-frontend.sh   (from anywhere in the repository)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
frontend="$root/frontend"
dist="$root/crates/vschool-web/assets/dist"

cd "$frontend"
# --ignore-scripts: nothing from the registry runs on this machine at install time.
npm ci --ignore-scripts --no-audit --no-fund

rm -rf "$dist"
mkdir -p "$dist"

# Compile GOV.UK Frontend with the Arial font stack (app.scss says why).
./node_modules/.bin/sass --style=compressed --no-source-map --load-path=node_modules \
  app.scss "$dist/app.css"

gf="node_modules/govuk-frontend/dist/govuk"
cp "$gf/govuk-frontend.min.js" "$dist/govuk-frontend.min.js"
cp app.js "$dist/app.js"
cp progress.js "$dist/progress.js"
cp favicon.svg "$dist/favicon.svg"
# No GOV.UK images or fonts are copied: the only image the compiled CSS could reference is the
# crown, which the URL handler removes, and Arial needs no font files.

# Guard the two rules a non-GOV.UK service must keep.
if grep -q "GDS Transport" "$dist/app.css"; then
  echo "vendor-frontend: app.css mentions GDS Transport" >&2; exit 1
fi
if grep -q "crest" "$dist/app.css"; then
  echo "vendor-frontend: app.css references the crown" >&2; exit 1
fi

version_of() { node -p "require('./node_modules/$1/package.json').version"; }

{
  echo "# Written by scripts/vendor-frontend.sh; do not edit by hand."
  echo "[packages]"
  echo "govuk-frontend = \"$(version_of govuk-frontend)\""
  echo "sass = \"$(version_of sass)\""
  echo
  echo "[files]"
  for f in app.css app.js favicon.svg govuk-frontend.min.js progress.js; do
    echo "\"$f\" = \"$(sha256sum "$dist/$f" | cut -d' ' -f1)\""
  done
} > "$dist/VENDOR.toml"

echo "vendor-frontend: wrote $(ls "$dist" | wc -l) files to ${dist#$root/}"
