# strata_add_test_suites(<exe> SOURCES <files...> LIBS <targets...> SUITES <names...>)
#
# Builds one Boost.Test executable per module and registers every suite as
# its own ctest entry (`<exe>/<suite>`), so ctest's summary lists what ran
# and a failure names the suite.
function(strata_add_test_suites exe)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;SUITES" ${ARGN})
  add_executable(${exe} ${ARG_SOURCES})
  target_link_libraries(${exe} PRIVATE Boost::unit_test_framework ${ARG_LIBS})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  foreach(suite IN LISTS ARG_SUITES)
    add_test(NAME ${exe}/${suite}
             COMMAND ${exe} --run_test=${suite} --color_output=no --log_level=test_suite --report_level=short)
    set_tests_properties(${exe}/${suite} PROPERTIES TIMEOUT ${ARG_TIMEOUT})
  endforeach()
endfunction()
