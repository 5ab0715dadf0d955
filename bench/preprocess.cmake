# CSV ingest throughput on the real AirNow files, and synthetic generation throughput.
if(NOT DEFINED PLUME_AIRNOW_DIR)
  set(PLUME_AIRNOW_DIR "${PROJECT_SOURCE_DIR}/../shared/data/airnow-2020fire")
endif()
add_executable(ingest_benchmark ${CMAKE_CURRENT_SOURCE_DIR}/ingest_benchmark.cpp)
target_link_libraries(ingest_benchmark PRIVATE plume_preprocess plume_io benchmark::benchmark
                      plume_warnings)
target_compile_definitions(ingest_benchmark PRIVATE PLUME_AIRNOW_DIR="${PLUME_AIRNOW_DIR}")
