# Engine kernels: filter scan, batch encode/decode, group-by, gather (Google Benchmark).
add_executable(engine_benchmark ${CMAKE_CURRENT_LIST_DIR}/engine_benchmark.cpp)
target_link_libraries(engine_benchmark PRIVATE plume_engine plume_warnings benchmark::benchmark)
