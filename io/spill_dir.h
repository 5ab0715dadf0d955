// The directory a rank's spill files go to (--spill-dir; io/spill_file.h): their names, the
// start-up check that the directory can take them, and the removal of the files a killed
// process left. A spill file is "plume-spill-<host>-<pid>-XXXXXX" (mkstemp's six characters),
// so that a rank can tell its own host's files of a process that is gone (kill -9 skips every
// destructor) from a live process's, here or on another host sharing the directory.
// Threading: none. Errors: none thrown; the reasons are returned.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace plume::io {

// "plume-spill-<host>-<pid>-": the start of this process's spill files' names (a host name's
// characters other than letters, digits, '.', '_' and '-' become '_').
std::string SpillFilePrefix();
// The directory spill files go to: `configured` (--spill-dir), or when it is empty $TMPDIR, else
// /tmp. Every user resolves it here, so the start-up check and the files agree.
std::string SpillDir(const std::string& configured);
// "" when `dir` exists, is a directory and a spill file can be created in it (one is, then
// removed); else why not: "/x/y does not exist", "/x/y is not a directory", or
// "/x/y cannot be written: Permission denied".
std::string SpillDirProblem(const std::string& dir);
// Removes the spill files in `dir` that this host's processes no longer alive left (their pid
// is gone: kill(pid, 0) fails with ESRCH); never a live process's, nor another host's. Returns
// how many went. A directory that cannot be listed removes none.
std::size_t RemoveStaleSpillFiles(const std::string& dir);
// The pid in a spill file's name when it is one of `host`'s ("plume-spill-<host>-<pid>-XXXXXX"),
// else 0.
long SpillFilePid(std::string_view name, std::string_view host);

}  // namespace plume::io
