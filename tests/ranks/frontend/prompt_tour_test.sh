#!/usr/bin/env bash
# Issue 13's behaviours as a person meets them: scripts/plume-shell at a pseudo-terminal made by
# script(1), on the synthetic test set, typing one line after another and waiting for what a
# person would wait for. Each step names the behaviour it drives; the files it writes are read
# back at the end. (Editing keys: tests/launcher/launcher_test.sh; stdout redirected, | head,
# --help: launcher_test.sh here.)
#   prompt_tour_test.sh PLUME_SHELL PLUME_BIN DATA_DIR
set -uo pipefail
shell=$1 bin=$2 data=$3
# PLUME_TIMEOUT_SCALE (an integer, the sanitizer steps set it): under ASan at -O0 a statement such
# as SUMMARIZE can take longer than the 30 s a step waits, and a data rank in it was silent for
# more than the default 10 s --peer-timeout at load average 40, so the waits, the peer timeout
# and the session's limit scale; what the screen must show does not.
scale=${PLUME_TIMEOUT_SCALE:-1}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
out=$dir/screen
: >"$out"
export HOME=$dir/home PLUME_HISTFILE=/dev/null TERM=xterm
mkdir -p "$HOME/my dir"
printf 'SELECT count(*) AS from_script FROM measurements;\n' >"$HOME/my dir/my script.sql"
steps=$dir/steps  # one line per step that did not show what it should
screen() { tr -d '\r' <"$out"; }
count() {  # count TEXT: how often TEXT (may hold line breaks) shows in the session so far
  screen | tr '\n' '\001' | grep -aoF -- "${1//$'\n'/$'\001'}" | wc -l
}
# step WHAT LINE EXPECTED: types LINE (Enter), waits until EXPECTED shows once more than before.
step() {
  local what=$1 line=$2 expected=$3 before
  before=$(count "$expected")
  printf '%s\r' "$line"
  for _ in $(seq $((300 * scale))); do
    (($(count "$expected") > before)) && return 0
    sleep 0.1
  done
  echo "$what: typed '$line', never saw '$expected'" >>"$steps"
}
{
  for _ in $(seq $((300 * scale))); do (($(count "plume> ") > 0)) && break; sleep 0.1; done
  # background statements: \cancel and \q say how many rows they had and show them only when
  # asked (\cancel ID show). First in the session, so their ids are 1 and 2; typed in one go
  # with the statement (20,000 rows one per chunk take far longer than reading the next line).
  step "\\chunk singular" '\chunk 1' "Chunk size is 1 row."
  step "\\cancel" $'SELECT * FROM measurements &\r\\cancel 1' "had arrived, not shown (cancelled by user)"
  step "\\cancel show" $'SELECT * FROM measurements &\r\\cancel 2 show' "; incomplete)"
  step "\\chunk" '\chunk 1000' "Chunk size is 1,000 rows."
  # 3 schema
  step "\\d" '\d' "Table measurements: 20,000 rows in 2 partitions, from SYNTHETIC data"
  step "\\d measurements" '\d measurements' " aqi               | BIGINT      | YES  |"
  step "DESCRIBE" 'DESCRIBE measurements;' " column_name       | column_type |"
  step "SHOW TABLES" 'SHOW TABLES;' $'\n measurements\n(1 row)'
  step "SUMMARIZE" 'SUMMARIZE measurements;' "| null_percentage"
  # 4 errors: caret, first mention, did you mean (column, table, function, keyword), quotes
  step "caret" 'SELECT site_nme FROM measurements;' $'LINE 1: SELECT site_nme FROM measurements\n               ^'
  step "first mention" 'SELECT site_nme, count(*) FROM measurements GROUP BY site_nme;' \
    "(did you mean 'site_name'?) (at character 8)"
  step "table" 'SELECT count(*) FROM measurment;' "(did you mean 'measurements'?)"
  step "function" 'SELECT coutn(*) FROM measurements;' "unknown function 'coutn' (did you mean 'count'?)"
  step "keyword" 'SELEC 1;' "(did you mean 'SELECT'?)"
  step "double quotes" 'SELECT count(*) FROM measurements WHERE parameter = "OZONE";' \
    "use single quotes for a string literal, 'OZONE')"
  # 6 psql manners: dot commands, a meta command inside a pending statement, settings shown
  step "dot command" '.mode csv' "Error: .mode is a DuckDB command; in plume use \\format"
  step "dot command" '.tables' "Error: .tables is a DuckDB command"
  printf 'SELECT count(*) AS pending\r'
  step "meta command inside a statement" '\format csv' "Output format is csv."
  step "the statement stays pending" 'FROM measurements;' $'pending\n20000'
  step "\\format shown" '\format' "Output format is csv."
  step "\\format" '\format table' "Output format is table."
  step "\\chunk shown" '\chunk' "Chunk size is "
  step "\\timeout shown" '\timeout' "Statement timeout is off."
  step "\\output shown" '\output' "Results go to standard output."
  step "\\maxrows shown" '\maxrows' "The table shows 50 rows at the screen."
  # 9 thousands separators and plurals
  step "separators" 'SELECT * FROM measurements;' "(20,000 rows, 50 shown (\\maxrows 0 shows all)"
  step "plural" 'SELECT count(*) FROM measurements;' "1 row | 1 chunk"
  step "\\timing in ms" '\timing on' "Timing is on."
  step "\\timing in ms" 'SELECT count(*) AS timed FROM measurements;' $' ms\nplume> '
  grep -aqE '^Time: [0-9]+\.[0-9]{3} ms' <(screen) || echo "\\timing: no 'Time: N.NNN ms'" >>"$steps"
  step "\\timing" '\timing' "Timing is off."
  # 2 \maxrows, \maxwidth, \x at the screen
  step "\\maxrows" '\maxrows 4' "The table shows 4 rows at the screen."
  step "\\maxrows" 'SELECT aqi FROM measurements LIMIT 10;' "(10 rows, 4 shown (\\maxrows 0 shows all))"
  step "\\maxrows 0" '\maxrows 0' "The table shows all rows at the screen."
  step "\\maxwidth" '\maxwidth 60' "The table may take 60 characters at the screen."
  step "\\maxwidth" 'SELECT * FROM measurements LIMIT 1;' "(\\x or \\maxwidth 0 shows all))"
  step "\\maxwidth 0" '\maxwidth 0' "The table may take any width at the screen."
  step "\\x" '\x' "Expanded display is on."
  step "\\x" 'SELECT * FROM measurements LIMIT 1;' $'-[ RECORD 1 ]'
  step "\\x" '\x off' "Expanded display is off."
  # 2 complete files in every format, ~ and a quoted path with a blank
  long="SELECT site_name || '-' || agency || '-' || site_name AS long, aqi FROM measurements LIMIT 60;"
  for f in table csv json; do
    step "\\output $f" "\\format $f" "Output format is $f."
    step "\\output $f" "\\output '~/my dir/all.$f'" "Results go to $HOME/my dir/all.$f."
    step "\\output $f" "$long" "60 rows | 1 chunk"
    step "\\output -" '\output -' "Results go to standard output."
  done
  step "\\format" '\format table' "Output format is table."
  step "COPY csv" "COPY (SELECT aqi FROM measurements LIMIT 7) TO '~/my dir/c.csv' (FORMAT csv, HEADER);" \
    "COPY 7 rows to $HOME/my dir/c.csv."
  step "COPY json" "COPY (SELECT aqi FROM measurements LIMIT 7) TO '~/my dir/c.json' (FORMAT json);" \
    "COPY 7 rows to $HOME/my dir/c.json."
  step "\\i" "\\i '~/my dir/my script.sql'" $'from_script\n'
  # a COPY's error points into what was typed, not the query made for it; no file is made
  step "COPY caret" "COPY measurment TO '~/my dir/t.csv';" \
    $'(did you mean \'measurements\'?) (at character 6)\nLINE 1: COPY measurment TO \'~/my dir/t.csv\'\n             ^'
  step "COPY (query) caret" "COPY (SELECT site_nme FROM measurements) TO '~/my dir/t.csv';" \
    $'(did you mean \'site_name\'?) (at character 14)\nLINE 1: COPY (SELECT site_nme FROM measurements) TO \'~/my dir/t.csv\'\n                     ^'
  # 7 pictures
  step "\\chart" 'SELECT parameter, count(*) AS n FROM measurements GROUP BY parameter ORDER BY n DESC;' "(6 rows)"
  step "\\chart bars" '\chart' "* n"
  step "\\chart line" 'SELECT utc, max(aqi) AS worst FROM measurements GROUP BY utc ORDER BY utc;' "| worst"
  step "\\chart line" '\chart' "* worst"
  if command -v gnuplot >/dev/null; then
    step "\\chart PNG" "\\chart '~/my dir/w.png'" "Chart written to"
  fi
  # a background statement is announced when done
  step "background" 'SELECT count(*) AS bg FROM measurements &' "] completed: 1 row"
  # \timing after an error: psql's "Time: N ms" too
  step "\\timing" '\timing on' "Timing is on."
  step "\\timing after an error" 'SELECT nope FROM measurements;' $'               ^\nTime: '
  # 6 exit alone leaves, cancelling what runs in the background, rows not shown. The statement
  # is one not run before in this session: `SELECT * FROM measurements` completed above, so the
  # result cache answered it at once (20,000 one-row chunks in 0.08 s) and it was done before
  # exit was read.
  step "\\chunk" '\chunk 1' "Chunk size is 1 row."
  step "exit" $'SELECT *, 1 AS running FROM measurements &\rexit' "had arrived, not shown (session ended"
  sleep 2
} | timeout $((240 * scale)) script -qfec \
  "$shell --ranks 3 --bin $bin --data $data --peer-timeout $((10 * scale))" /dev/null >"$out"
rc=$?
fail=0
problem() {
  echo "FAIL: $1"
  fail=1
}
[[ -s $steps ]] && problem "$(cat "$steps")"
# 1 the banner says the data is synthetic, and how to use the real files
# (grep reads from a process substitution: with pipefail, grep -q leaving at the first match would
# kill a writer still writing the long screen with SIGPIPE and fail the check that matched)
grep -qF "WARNING: these rows are generated; do not publish results from them." <(screen) ||
  problem "no synthetic-data warning in the banner"
((rc == 0)) || problem "exit code $rc (exit should leave with 0)"
d="$HOME/my dir"
# Files: every row and every character, in every format.
[[ $(grep -c ' | ' "$d/all.table") == 61 ]] || problem "table file: not 60 rows and a header"
grep -qxF "(60 rows)" "$d/all.table" || problem "table file: no (60 rows) line"
grep -qF "..." "$d/all.table" && problem "table file: a value was cut"
[[ $(wc -l <"$d/all.csv") == 61 ]] || problem "csv file: not a header and 60 rows"
[[ $(wc -l <"$d/all.json") == 60 ]] || problem "json file: not 60 rows"
widest=$(awk -F, 'NR > 1 { if (length($0) > w) w = length($0) } END { print w }' "$d/all.csv")
((widest > 45)) || problem "csv file: no long value (widest line $widest)"
[[ $(head -1 "$d/c.csv") == aqi && $(wc -l <"$d/c.csv") == 8 ]] || problem "COPY csv with HEADER"
[[ $(wc -l <"$d/c.json") == 7 && $(head -c 7 "$d/c.json") == '{"aqi":' ]] || problem "COPY json"
[[ -e "$d/t.csv" ]] && problem "a COPY that failed made its file"
if command -v gnuplot >/dev/null; then
  [[ $(head -c 4 "$d/w.png" | tail -c 3) == PNG ]] || problem "\\chart FILE.png wrote no PNG"
fi
pgrep -f -- "--data $data" >/dev/null && sleep 3
if ((fail)); then
  echo "--- session ---"
  cat -v "$out"
  exit 1
fi
[[ -n ${PROMPT_TOUR_SHOW:-} ]] && cat -v "$out"
echo "prompt tour OK"
