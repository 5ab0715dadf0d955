# ctest -P script: compiles a one-line file `#include "HEADER"` with the include path of a
# library target and checks the outcome. EXPECT=fail: the compiler must fail because HEADER is
# not found (not for any other reason); EXPECT=pass: it must compile (a control, proving the
# view itself works). Arguments: -DCOMPILER= -DINCLUDES=<;-list> -DHEADER= -DEXPECT= -DWORK=
file(MAKE_DIRECTORY ${WORK})
string(MAKE_C_IDENTIFIER "${HEADER}" name)
set(source ${WORK}/${name}.cpp)
file(WRITE ${source} "#include \"${HEADER}\"\n")
set(flags -std=c++20 -fsyntax-only)
foreach(dir IN LISTS INCLUDES)
  list(APPEND flags -I${dir})
endforeach()
execute_process(COMMAND ${COMPILER} ${flags} ${source} RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(EXPECT STREQUAL "fail")
  if(rc EQUAL 0)
    message(FATAL_ERROR "'#include \"${HEADER}\"' compiled, but this layer must not see it")
  endif()
  if(NOT out MATCHES "${HEADER}: No such file or directory")
    message(FATAL_ERROR "failed, but not because '${HEADER}' is hidden:\n${out}")
  endif()
  message(STATUS "hidden as it should be: ${HEADER}")
else()
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "'#include \"${HEADER}\"' must compile in this layer:\n${out}")
  endif()
  message(STATUS "visible as it should be: ${HEADER}")
endif()
