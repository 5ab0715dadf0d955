# Read by ctest, not cmake (tests/CMakeLists.txt adds it to TEST_INCLUDE_FILES, so every
# CTestTestfile.cmake below includes it first): with PLUME_TIMEOUT_SCALE=N in the environment
# (N > 1; scripts/test's asan and tsan steps set it, a -O0 sanitizer build runs 3-10x slower),
# each test's TIMEOUT is multiplied by N. The tests read the same variable for their own time
# limits (tests/timeout_scale.h, the scripts' PLUME_TIMEOUT_SCALE). It overrides ctest's
# set_tests_properties (the original stays callable as _set_tests_properties) and passes every
# argument through bracket-quoted, so lists such as ENVIRONMENT "A=1;B=2" stay one argument.
set(PLUME_CTEST_TIMEOUT_SCALE "$ENV{PLUME_TIMEOUT_SCALE}")
if(PLUME_CTEST_TIMEOUT_SCALE MATCHES "^[1-9][0-9]*$" AND PLUME_CTEST_TIMEOUT_SCALE GREATER 1)
  function(set_tests_properties)
    set(call "_set_tests_properties(")
    set(scale_next FALSE)
    math(EXPR last "${ARGC} - 1")
    foreach(i RANGE 0 ${last})
      set(arg "${ARGV${i}}")
      if(scale_next AND arg MATCHES "^[0-9]+$")
        math(EXPR arg "${arg} * ${PLUME_CTEST_TIMEOUT_SCALE}" OUTPUT_FORMAT DECIMAL)
      endif()
      set(scale_next FALSE)
      if(arg STREQUAL "TIMEOUT")
        set(scale_next TRUE)
      endif()
      string(APPEND call " [==[${arg}]==]")
    endforeach()
    cmake_language(EVAL CODE "${call})")
  endfunction()
endif()
