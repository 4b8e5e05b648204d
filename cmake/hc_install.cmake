# Installation (cmake --install): the headers, the library, the ports built
# here, a CMake package (find_package(healthchecks COMPONENTS posix mock
# mbedtls lwip)) and a pkg-config file per library (healthchecks,
# healthchecks-<port>). Included by the root CMakeLists.txt once every
# target exists.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
set(HC_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/healthchecks)
set(HC_PC_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
# The .pc files find the prefix from their own place, so --prefix works.
string(REGEX REPLACE "[^/]+" ".." HC_PC_UP "${HC_PC_INSTALL_DIR}")

# Writes healthchecks[-<component>].pc from a target's usage requirements:
# libraries by path or name become -l flags, targets of ours become Requires.
function(hc_install_pkgconfig target pc_name description)
    set(HC_PC_NAME ${pc_name})
    set(HC_PC_DESCRIPTION ${description})
    get_target_property(HC_PC_LIB ${target} OUTPUT_NAME)
    if(NOT HC_PC_LIB)
        set(HC_PC_LIB ${target})
    endif()
    set(HC_PC_REQUIRES "")
    set(HC_PC_LIBS "")
    set(HC_PC_CFLAGS "")
    get_target_property(libs ${target} INTERFACE_LINK_LIBRARIES)
    foreach(lib ${libs})
        string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" lib "${lib}")
        if(lib STREQUAL "healthchecks")
            set(HC_PC_REQUIRES healthchecks)
        elseif(IS_ABSOLUTE "${lib}")
            get_filename_component(dir ${lib} DIRECTORY)
            get_filename_component(name ${lib} NAME_WE)
            string(REGEX REPLACE "^lib" "" name ${name})
            if(NOT dir IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
                string(APPEND HC_PC_LIBS " -L${dir}")
            endif()
            string(APPEND HC_PC_LIBS " -l${name}")
        elseif(lib MATCHES "^[A-Za-z0-9_+-]+$" AND NOT TARGET ${lib})
            string(APPEND HC_PC_LIBS " -l${lib}")
        endif()
    endforeach()
    get_target_property(dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
    foreach(dir ${dirs})
        if(IS_ABSOLUTE "${dir}" AND NOT dir IN_LIST CMAKE_C_IMPLICIT_INCLUDE_DIRECTORIES)
            string(APPEND HC_PC_CFLAGS " -I${dir}")
        endif()
    endforeach()
    get_target_property(defs ${target} INTERFACE_COMPILE_DEFINITIONS)
    foreach(def ${defs})
        if(def)
            string(APPEND HC_PC_CFLAGS " -D${def}")
        endif()
    endforeach()
    configure_file(${PROJECT_SOURCE_DIR}/cmake/healthchecks.pc.in
                   ${PROJECT_BINARY_DIR}/pkgconfig/${pc_name}.pc @ONLY)
    install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${pc_name}.pc DESTINATION ${HC_PC_INSTALL_DIR})
endfunction()

install(TARGETS healthchecks EXPORT healthchecks-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${HC_CORE_DIR}/include/healthchecks DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT healthchecks-targets NAMESPACE healthchecks:: DESTINATION ${HC_CMAKE_INSTALL_DIR})
hc_install_pkgconfig(healthchecks healthchecks
    "Healthchecks.io client: zero heap, caller-supplied buffers, sans-I/O HTTP engine")

# A port becomes component <name> and target healthchecks::<name>. The port
# directories name their include directory and hc_warnings plainly; an
# exported target needs the one as a build-tree path only and cannot carry
# the other, so both are adjusted here.
set(HC_INSTALLED_PORTS "")
function(hc_install_port target name)
    if(NOT TARGET ${target})
        return()
    endif()
    get_target_property(dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
    set(adjusted "")
    foreach(dir ${dirs})
        string(REGEX REPLACE "^\\$<BUILD_INTERFACE:(.*)>$" "\\1" plain "${dir}")
        string(FIND "${plain}" "${PROJECT_SOURCE_DIR}/" in_source)
        if(in_source EQUAL 0)
            list(APPEND adjusted "$<BUILD_INTERFACE:${plain}>")
            file(GLOB headers ${plain}/*.h)
            install(FILES ${headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
        else()
            list(APPEND adjusted "${dir}")
        endif()
    endforeach()
    list(APPEND adjusted "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
    set_property(TARGET ${target} PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${adjusted}")
    get_target_property(libs ${target} INTERFACE_LINK_LIBRARIES)
    list(FILTER libs EXCLUDE REGEX "hc_warnings")
    set_property(TARGET ${target} PROPERTY INTERFACE_LINK_LIBRARIES "${libs}")

    set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
    install(TARGETS ${target} EXPORT healthchecks-${name}-targets
            ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
    install(EXPORT healthchecks-${name}-targets NAMESPACE healthchecks::
            DESTINATION ${HC_CMAKE_INSTALL_DIR})
    hc_install_pkgconfig(${target} healthchecks-${name} "Healthchecks client: ${name} transport port")
    set(HC_INSTALLED_PORTS ${HC_INSTALLED_PORTS} ${name} PARENT_SCOPE)
endfunction()
hc_install_port(hc_port_posix posix)
hc_install_port(hc_port_mock mock)
hc_install_port(hc_port_mbedtls mbedtls)
hc_install_port(hc_port_lwip lwip)

configure_package_config_file(cmake/healthchecks-config.cmake.in
    ${PROJECT_BINARY_DIR}/healthchecks-config.cmake
    INSTALL_DESTINATION ${HC_CMAKE_INSTALL_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/healthchecks-config-version.cmake
    COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/healthchecks-config.cmake
              ${PROJECT_BINARY_DIR}/healthchecks-config-version.cmake
        DESTINATION ${HC_CMAKE_INSTALL_DIR})
