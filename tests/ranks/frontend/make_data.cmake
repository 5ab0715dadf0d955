# Fixture of the front end's end-to-end tests: a small synthetic data set in 2 partitions.
file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${PREPROCESS} --synthetic 20000 --seed 3 --partitions 2 --out ${OUT}
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "plume-preprocess failed (${rc}) for ${OUT}")
endif()
