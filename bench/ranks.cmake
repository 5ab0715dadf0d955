# End-to-end driver of the MPI runtime: run it with bench/ranks_e2e.sh (starts mpirun -n 6).
add_executable(ranks_e2e ${CMAKE_CURRENT_SOURCE_DIR}/ranks_e2e.cpp)
target_link_libraries(ranks_e2e PRIVATE plume_ranks plume_warnings)
