# Fixture: small synthetic data sets for the MPI tests, one per partition count (p1 p2 p5 p7),
# and for each a copy whose first partition file is missing (missing1 ...).
foreach(parts 1 2 5 7)
  foreach(kind p missing)
    set(dir ${OUT}/${kind}${parts})
    file(REMOVE_RECURSE ${dir})
    execute_process(
      COMMAND ${PREPROCESS} --synthetic 40000 --seed 7 --partitions ${parts} --out ${dir}
      RESULT_VARIABLE rc OUTPUT_QUIET)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "plume-preprocess failed (${rc}) for ${dir}")
    endif()
  endforeach()
  file(REMOVE ${OUT}/missing${parts}/part-00000.h5)
endforeach()
