# ccsim_add_scenario_test(<name> <scenario.json | directory> [FUZZ_RUNS <n>] [PROFILE <p>])
#
# Adds a ctest test <name> that replays the scenario with `ccsim run --quiet` and fails when
# one of its expectations fails (ccsim exits 1) or the file does not load (exit 2). With
# FUZZ_RUNS it also adds <name>.fuzz, a campaign of n runs (`ccsim fuzz --jobs 1`) that fails
# when a property fails in any of them; its artifacts go to
# ${CMAKE_CURRENT_BINARY_DIR}/ccsim-fuzz/<name>. PROFILE runs the scenario under that Fabric
# release instead of its own "profile" (`--profile`).
#
# Given a directory (for instance the one `ccsim fuzz --save-failures` fills), it adds
# <name>/<file> (and <name>/<file>.fuzz) for each *.json in it; a file added later is
# picked up at the next build.
#
# Needs the target ccsim::ccsim: find_package(ccsim) defines it, and so does
# add_subdirectory of ccsim's source tree. docs/install.md has an example.
function(ccsim_add_scenario_test name scenario)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "FUZZ_RUNS;PROFILE" "")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ccsim_add_scenario_test(${name}): unknown arguments ${arg_UNPARSED_ARGUMENTS}"
                        " (expected FUZZ_RUNS <n> and PROFILE <p>)")
  endif()
  if(DEFINED arg_FUZZ_RUNS AND NOT arg_FUZZ_RUNS MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "ccsim_add_scenario_test(${name}): FUZZ_RUNS takes a positive integer, "
                        "got \"${arg_FUZZ_RUNS}\"")
  endif()
  if(NOT TARGET ccsim::ccsim)
    message(FATAL_ERROR "ccsim_add_scenario_test(${name}): no target ccsim::ccsim "
                        "(call find_package(ccsim) first)")
  endif()
  get_filename_component(path "${scenario}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(IS_DIRECTORY "${path}")
    file(GLOB files LIST_DIRECTORIES false CONFIGURE_DEPENDS "${path}/*.json")
    list(SORT files)
    if(NOT files)
      message(WARNING "ccsim_add_scenario_test(${name}): no *.json in ${path}")
    endif()
    foreach(file IN LISTS files)
      get_filename_component(file_name "${file}" NAME)
      string(REGEX REPLACE "\\.json$" "" stem "${file_name}")
      _ccsim_add_scenario_test("${name}/${stem}" "${file}" "${arg_FUZZ_RUNS}" "${arg_PROFILE}")
    endforeach()
  elseif(EXISTS "${path}")
    _ccsim_add_scenario_test("${name}" "${path}" "${arg_FUZZ_RUNS}" "${arg_PROFILE}")
  else()
    message(FATAL_ERROR "ccsim_add_scenario_test(${name}): no such file or directory: ${path}")
  endif()
endfunction()

function(_ccsim_add_scenario_test name file fuzz_runs profile)
  set(profile_args "")
  if(NOT profile STREQUAL "")
    set(profile_args --profile "${profile}")
  endif()
  add_test(NAME "${name}" COMMAND $<TARGET_FILE:ccsim::ccsim> run "${file}" --quiet ${profile_args})
  set_tests_properties("${name}" PROPERTIES LABELS ccsim)
  if(NOT fuzz_runs STREQUAL "")
    string(MAKE_C_IDENTIFIER "${name}" folder)
    add_test(NAME "${name}.fuzz"
             COMMAND $<TARGET_FILE:ccsim::ccsim> fuzz "${file}" --runs ${fuzz_runs} --jobs 1 --quiet ${profile_args}
                     --out "${CMAKE_CURRENT_BINARY_DIR}/ccsim-fuzz/${folder}")
    set_tests_properties("${name}.fuzz" PROPERTIES LABELS "ccsim;ccsim-fuzz")
  endif()
endfunction()
