# End-to-end driver of the MPI runtime: run it with bench/ranks_e2e.sh (starts mpirun -n 6).
add_executable(ranks_e2e ${CMAKE_CURRENT_SOURCE_DIR}/ranks_e2e.cpp)
target_link_libraries(ranks_e2e PRIVATE plume_ranks plume_warnings)
# Bounded work end to end: run it with bench/bounded_e2e.sh.
add_executable(bounded_e2e ${CMAKE_CURRENT_SOURCE_DIR}/bounded_e2e.cpp)
target_link_libraries(bounded_e2e PRIVATE plume_ranks plume_warnings)
