# The environment of scripts/test's asan step (docs/TESTING.md, "MPI under ASan"), in one place
# so that a few tests can be run by hand exactly as the step runs them:
#
#   source tests/sanitizers/asan_env.sh     # needs build/debug (cmake --build --preset debug)
#   ctest --preset debug -R 'ranks\.mpi\.3'
#   plume_asan_reports                      # prints every sanitizer report since; 1 if any
#
# Every sanitizer report goes to stderr as usual (into the test's output) and its summary line to
# $PLUME_ASAN_REPORTS/<program>.<pid> (a new temp directory unless set; report_hook.c): a report
# made by a rank that a test expects to fail, or by a process whose exit code a script does not
# look at, is not lost, and plume_asan_reports fails the step for it. UBSan aborts too
# (abort_on_error): its default exit code 1 is the one plume itself gives a failed statement;
# print_summary=1 because next to ASan it prints no summary line (and so calls no hook) by default.
plume_asan_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Open MPI, hwloc and PMIx keep their allocations to exit: leaks there are not ours
# (tests/sanitizers/lsan.supp). asan_preload.so keeps Open MPI's components mapped after
# MPI_Finalize so that LeakSanitizer can name them (keep_modules.c) and records each report's
# summary (report_hook.c); it comes before libasan in the library list, which ASan then must not
# refuse.
cc -shared -fPIC -O2 -o "$plume_asan_root/build/debug/asan_preload.so" \
  "$plume_asan_root/tests/sanitizers/keep_modules.c" "$plume_asan_root/tests/sanitizers/report_hook.c"
export LD_PRELOAD=$plume_asan_root/build/debug/asan_preload.so
PLUME_ASAN_REPORTS=${PLUME_ASAN_REPORTS:-$(mktemp -d /tmp/plume-asan-reports.XXXXXX)}
export PLUME_ASAN_REPORTS
export LSAN_OPTIONS="suppressions=$plume_asan_root/tests/sanitizers/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:verify_asan_link_order=0"
export UBSAN_OPTIONS="print_stacktrace=1:print_summary=1:halt_on_error=1:abort_on_error=1"
# Open MPI's memory patcher rewrites allocator entry points that ASan intercepts too
# (open-mpi/ompi#12819, #13069: SIGILL/SIGSEGV in MPI_Init); with shared memory and TCP only (no
# registration cache) nothing here needs it.
export OMPI_MCA_memory=^patcher
# ASan (the debug preset, -O1) runs several times slower: tests scale their own time limits by
# this (docs/TESTING.md, "Time limits under the sanitizers").
export PLUME_TIMEOUT_SCALE=${PLUME_TIMEOUT_SCALE:-4}

# plume_asan_reports: prints the summary lines of every report since (one file per process,
# program.pid, under $PLUME_ASAN_REPORTS; the reports themselves are in the tests' output);
# returns 1 when there is one, 0 when there is none.
plume_asan_reports() {
  local f found=0
  for f in "$PLUME_ASAN_REPORTS"/*; do
    [[ -e $f ]] || continue
    found=1
    echo "sanitizer report by $(basename "$f"): $(head -c 2000 "$f")" >&2
  done
  if ((found)); then
    echo "asan: sanitizer reports (their stacks are in the tests' output above)" >&2
    return 1
  fi
  echo "asan: no sanitizer report"
}
