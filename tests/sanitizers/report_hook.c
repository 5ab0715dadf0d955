/* Every sanitizer report ends with one summary line ("SUMMARY: AddressSanitizer: ...",
 * "SUMMARY: UndefinedBehaviorSanitizer: ...", a leak's summary), passed to this hook, which the
 * sanitizer runtime declares weak for programs to replace. The asan step preloads it with
 * keep_modules.c (tests/sanitizers/asan_env.sh): each line is appended to
 * $PLUME_ASAN_REPORTS/<program>.<pid>, so a report is found after the run even when the test
 * expected the process to fail or did not look at its exit code, and the report itself still
 * goes to stderr, into the test's output. (log_path would move it off stderr, and g++ 12's
 * UBSan next to ASan ignores log_path anyway.) Test-only; nothing here allocates. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void Append(int fd, const char* text) {
  size_t left = strlen(text);
  while (left > 0) {
    ssize_t n = write(fd, text, left);
    if (n <= 0) return;
    text += n;
    left -= (size_t)n;
  }
}

void __sanitizer_report_error_summary(const char* summary) {
  const char* dir = getenv("PLUME_ASAN_REPORTS");
  if (dir == NULL || *dir == '\0') return;
  char exe[512];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[len > 0 ? len : 0] = '\0';
  const char* name = strrchr(exe, '/') != NULL ? strrchr(exe, '/') + 1 : exe;
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.%d", dir, name, (int)getpid());
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  Append(fd, summary);
  Append(fd, "\n");
  close(fd);
}
