# Partition load time (io::LoadPartition) per compression setting, on synthetic and real data.
if(NOT DEFINED PLUME_AIRNOW_DIR)
  set(PLUME_AIRNOW_DIR "${PROJECT_SOURCE_DIR}/../shared/data/airnow-2020fire")
endif()
add_executable(partition_load_benchmark ${CMAKE_CURRENT_SOURCE_DIR}/partition_load_benchmark.cpp)
target_link_libraries(partition_load_benchmark PRIVATE plume_preprocess plume_io
                      benchmark::benchmark plume_warnings)
target_compile_definitions(partition_load_benchmark PRIVATE
                           PLUME_AIRNOW_DIR="${PLUME_AIRNOW_DIR}")
