#!/usr/bin/env bash
# ctest duckdb.differential: installs @duckdb/node-api (tests/duckdb/package-lock.json) into the
# build directory when missing, then runs differential.mjs. Exits 77 (ctest: skipped) with a
# message when node/npm are missing or the package cannot be installed (no registry, offline).
#
#   run_differential.sh SOURCE_DIR BINARY_DIR PLUME PREPROCESS MPIEXEC [AIRNOW_DIR [OPTIONS...]]
# OPTIONS go to differential.mjs (e.g. --suite FILE --ranks N --work-name NAME).
set -euo pipefail
src=$1 bin=$2 plume=$3 preprocess=$4 mpiexec=$5 airnow=${6:-}
extra=("${@:7}")
work=$bin/work
for ((k = 0; k + 1 < ${#extra[@]}; k += 2)); do
  if [ "${extra[k]}" = --work-name ]; then work=$bin/${extra[k + 1]}; fi
done

skip() {
  echo "SKIPPED: $*" >&2
  exit 77
}

command -v node >/dev/null || skip "node is not installed (apt-get install nodejs npm)"
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 18 ] || skip "node $(node --version) is too old (need 18 or newer)"

# npm ci into BINARY_DIR/npm, redone only when the lock file changed.
modules=$bin/npm
if ! cmp -s "$src/package-lock.json" "$modules/package-lock.json" ||
   [ ! -f "$modules/node_modules/@duckdb/node-api/package.json" ]; then
  command -v npm >/dev/null || skip "npm is not installed (apt-get install npm)"
  rm -rf "$modules"
  mkdir -p "$modules"
  cp "$src/package.json" "$src/package-lock.json" "$modules/"
  echo "installing @duckdb/node-api into $modules (npm ci)"
  if ! (cd "$modules" && timeout 240 npm ci --prefer-offline --no-audit --no-fund \
          --loglevel=error >npm.log 2>&1); then
    cat "$modules/npm.log" >&2
    rm -f "$modules/package-lock.json"  # retried next time
    skip "npm ci of @duckdb/node-api failed (registry unreachable?); see the log above"
  fi
fi

exec node "$src/differential.mjs" --plume "$plume" --preprocess "$preprocess" \
  --mpiexec "$mpiexec" --modules "$modules" --work "$work" --airnow "$airnow" "${extra[@]}"
