# hotline_part(NAME [DEPS targets...] [PCH headers...])
# Builds src/hotline/NAME/**.cpp into the static library hotline_NAME.
# Each part is one folder; its sources are globbed so adding a file needs no
# CMake edit. Include paths are rooted at src/ ("hotline/crypto/ed25519.h").
function(hotline_part NAME)
  cmake_parse_arguments(P "" "" "DEPS;PCH" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS
       "${CMAKE_SOURCE_DIR}/src/hotline/${NAME}/*.cpp")
  if(NOT srcs)
    # A part that has only headers so far.
    add_library(hotline_${NAME} INTERFACE)
    target_include_directories(hotline_${NAME} INTERFACE
      "${CMAKE_SOURCE_DIR}/src" "${CMAKE_BINARY_DIR}/generated")
    target_link_libraries(hotline_${NAME} INTERFACE ${P_DEPS})
    return()
  endif()
  add_library(hotline_${NAME} STATIC ${srcs})
  target_include_directories(hotline_${NAME} PUBLIC
    "${CMAKE_SOURCE_DIR}/src" "${CMAKE_BINARY_DIR}/generated")
  target_link_libraries(hotline_${NAME} PUBLIC ${P_DEPS} PRIVATE hotline_warnings)
  if(P_PCH)
    hotline_pch_where_included(hotline_${NAME} "${srcs}" ${P_PCH})
  endif()
endfunction()

# hotline_pch_pays(OUT SOURCES)
# Sets OUT to whether a precompiled header pays for a target of SOURCES: it
# costs about what parsing its headers costs two translation units, so it
# pays from three on. A translation unit is a source, or in a unity build
# (CMAKE_UNITY_BUILD, the release and asan presets) a batch of
# CMAKE_UNITY_BUILD_BATCH_SIZE sources.
function(hotline_pch_pays OUT SOURCES)
  list(LENGTH SOURCES n)
  if(CMAKE_UNITY_BUILD AND CMAKE_UNITY_BUILD_BATCH_SIZE GREATER 0)
    math(EXPR n "(${n} + ${CMAKE_UNITY_BUILD_BATCH_SIZE} - 1) / ${CMAKE_UNITY_BUILD_BATCH_SIZE}")
  endif()
  if(n GREATER_EQUAL 3)
    set(${OUT} TRUE PARENT_SCOPE)
  else()
    set(${OUT} FALSE PARENT_SCOPE)
  endif()
endfunction()

# hotline_pch_where_included(TARGET SOURCES HEADERS...)
# Precompiled headers only where they pay. HEADERS go into TARGET's PCH, and
# only the sources that include one of its library headers use it (a
# <boost/asio.hpp> in the list stands for every header of boost/asio;
# standard headers in the list, without '/', do not count). A source that
# includes none compiles without the PCH: loading a Boost.Beast PCH costs it
# more than its own headers. With fewer than two such sources there is no
# PCH at all: building it costs what it would save. (docs/development.md,
# "Where the time of make test goes".) A source that starts including one
# after CMake last ran still builds, without the PCH until CMake runs again.
function(hotline_pch_where_included TARGET SOURCES)
  if(CMAKE_UNITY_BUILD)
    # In a unity build a batch holds sources that include the libraries and
    # sources that do not; the rule is then the one of hotline_pch_pays.
    hotline_pch_pays(pays "${SOURCES}")
    if(pays)
      target_precompile_headers(${TARGET} PRIVATE ${ARGN})
    endif()
    return()
  endif()
  set(patterns "")
  foreach(h ${ARGN})
    if(h MATCHES "^<(.+/[^.]+)(\\.[a-z]+)?>$")
      list(APPEND patterns "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  list(JOIN patterns "|" alternatives)
  set(users "")
  set(others "")
  foreach(src ${SOURCES})
    set(hits "")
    if(patterns)
      file(STRINGS "${src}" hits REGEX "^#include <(${alternatives})[./]")
    endif()
    if(hits)
      list(APPEND users "${src}")
    else()
      list(APPEND others "${src}")
    endif()
  endforeach()
  list(LENGTH users n)
  if(n LESS 2)
    return()
  endif()
  target_precompile_headers(${TARGET} PRIVATE ${ARGN})
  if(others)
    set_source_files_properties(${others} TARGET_DIRECTORY ${TARGET}
                                PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
  endif()
endfunction()

# hotline_test_pch(TARGET SOURCES)
# Test code includes GoogleTest and nlohmann::json in nearly every file, and
# parsing them is more than half of a test file's compile time at -O0
# (docs/development.md, "Where the time of make test goes"): a test binary
# of three or more translation units precompiles them once (hotline_pch_pays:
# with fewer, building the PCH costs what it would save).
function(hotline_test_pch TARGET SOURCES)
  hotline_pch_pays(pays "${SOURCES}")
  if(pays)
    target_precompile_headers(${TARGET} PRIVATE
      <chrono> <filesystem> <string> <vector> <gtest/gtest.h> <nlohmann/json.hpp>)
  endif()
endfunction()

# hotline_unit_tests(PART [DEPS targets...])
# Builds tests/unit/PART/*_test.cpp into one GoogleTest binary unit_PART and
# registers each test case with CTest under the label "unit", with the
# tests' PostgreSQL (HOTLINE_PG_TEST_PROPERTIES, tests/CMakeLists.txt).
function(hotline_unit_tests PART)
  cmake_parse_arguments(P "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/tests/unit/${PART}/*_test.cpp")
  if(NOT srcs)
    return()
  endif()
  add_executable(unit_${PART} ${srcs})
  target_link_libraries(unit_${PART} PRIVATE ${P_DEPS} GTest::gtest GTest::gtest_main
                        hotline_warnings hotline_test_flags hotline_allocator)
  target_compile_definitions(unit_${PART} PRIVATE
    HOTLINE_VECTORS_DIR="${HOTLINE_VECTORS_DIR}"
    HOTLINE_BINARY_DIR="${CMAKE_BINARY_DIR}")
  hotline_test_pch(unit_${PART} "${srcs}")
  gtest_discover_tests(unit_${PART} PROPERTIES LABELS unit ${HOTLINE_PG_TEST_PROPERTIES}
                       DISCOVERY_TIMEOUT 60)
endfunction()
