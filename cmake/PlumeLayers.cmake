# Layering held by the compiler (docs/ARCHITECTURE.md, "Layers"): a target's sources see only
# the headers of the source directories it may use. The repository root is on no library's
# include path; instead each target gets a view directory in the build tree,
#   build/<preset>/layers/<target>/engine -> <source>/engine, ...
# holding symlinks to exactly the allowed directories, so `#include "ranks/protocol.h"` in
# engine/ fails with "No such file or directory". Tests and benchmarks (white-box) keep the
# root (tests/CMakeLists.txt, bench/CMakeLists.txt).
#
#   plume_layer(TARGET DIR...)   DIR: source directories relative to the root, e.g. engine,
#                                ranks/frontend (a subdirectory alone: its parent stays hidden)
function(plume_layer target)
  set(view ${PROJECT_BINARY_DIR}/layers/${target})
  file(REMOVE_RECURSE ${view})
  list(SORT ARGN)  # parents before their subdirectories
  foreach(dir IN LISTS ARGN)
    if(NOT IS_DIRECTORY ${PROJECT_SOURCE_DIR}/${dir})
      message(FATAL_ERROR "plume_layer(${target}): no source directory '${dir}'")
    endif()
    if(EXISTS ${view}/${dir})
      continue()  # inside a directory already linked whole
    endif()
    get_filename_component(parent ${view}/${dir} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${dir} ${view}/${dir} SYMBOLIC)
  endforeach()
  target_include_directories(${target} PRIVATE ${view})
  set_property(TARGET ${target} PROPERTY PLUME_LAYER "${ARGN}")
endfunction()
