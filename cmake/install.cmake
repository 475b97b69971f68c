# cmake --install: the program, its man page and shell completions, the scenario schema and
# the bundled scenarios, the docs, and a CMake package (find_package(ccsim)). docs/install.md.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(CCSIM_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/ccsim)
set(CCSIM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/ccsim)

install(TARGETS ccsim EXPORT ccsimTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES docs/ccsim.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES sim/completions/ccsim.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME ccsim)
install(FILES sim/completions/_ccsim DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
install(FILES docs/scenario.schema.json DESTINATION ${CCSIM_INSTALL_DATADIR})
install(DIRECTORY scenarios/ DESTINATION ${CCSIM_INSTALL_DATADIR}/scenarios)
file(GLOB ccsim_docs ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES README.md ${ccsim_docs} DESTINATION ${CMAKE_INSTALL_DOCDIR})

install(EXPORT ccsimTargets NAMESPACE ccsim:: DESTINATION ${CCSIM_INSTALL_CMAKEDIR})
configure_package_config_file(cmake/ccsimConfig.cmake.in ${PROJECT_BINARY_DIR}/ccsimConfig.cmake
                              INSTALL_DESTINATION ${CCSIM_INSTALL_CMAKEDIR}
                              PATH_VARS CCSIM_INSTALL_DATADIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ccsimConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ccsimConfig.cmake ${PROJECT_BINARY_DIR}/ccsimConfigVersion.cmake
              cmake/ccsimScenarioTest.cmake
        DESTINATION ${CCSIM_INSTALL_CMAKEDIR})
