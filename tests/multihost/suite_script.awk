# Turns tests/duckdb/suite.sql into a plume -f script whose statements each write their result to
# their own file: `\output DIR/NNN.csv` before statement NNN. Left out: statements with ${NAME}
# placeholders (their values come from DuckDB, see tests/duckdb/lib/suite.mjs) and @subset ones
# (LIMIT without a total order may pick other rows on each run). Also writes DIR/kinds: one line
# "NNN ordered|unordered|error" per statement kept, which says how compare.sh compares it.
#   awk -v dir=DIR -f suite_script.awk suite.sql > script.sql
function reset() { ordered = 0; subset = 0; error = 0 }
BEGIN { reset(); n = 0; text = "" }
text == "" && /^[ \t]*--[ \t]*@/ {
  if ($0 ~ /@ordered/) ordered = 1
  if ($0 ~ /@subset/) subset = 1
  if ($0 ~ /@(plume-)?error/) error = 1
  next
}
text == "" && (/^[ \t]*--/ || /^[ \t]*$/) { next }
{
  text = text (text == "" ? "" : "\n") $0
  if ($0 !~ /;[ \t]*$/) next
  if (text !~ /\$\{/ && !subset) {
    n++
    id = sprintf("%03d", n)
    print "\\output " dir "/" id ".csv"
    print text
    print id " " (error ? "error" : ordered ? "ordered" : "unordered") > (dir "/kinds")
  }
  text = ""
  reset()
}
