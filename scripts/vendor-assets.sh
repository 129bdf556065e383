#!/usr/bin/env bash
# Copy the npm packages Zona serves itself (WhiteNoise) into zona/static/vendor; no CDN anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
out=zona/static/vendor
rm -rf "$out" && mkdir -p "$out/bootstrap" "$out/chartjs" "$out/axe"
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map "$out/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map "$out/bootstrap/"
cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map "$out/chartjs/"
cp node_modules/axe-core/axe.min.js "$out/axe/"
