# cmake -D ESP_PLATFORM=1 -D HC_ROOT=... -D OUT=... -P early_expansion.cmake
#
# ESP-IDF's first pass over a component: its CMakeLists.txt is include()d in
# script mode (no project, no targets, no CONFIG_ values) with this
# idf_component_register, which only records the requirements and returns
# (as tools/cmake/scripts/component_get_requirements.cmake does). Writes the
# requirements to OUT; fails if the file cannot run in script mode or never
# registers.
cmake_minimum_required(VERSION 3.16)

macro(idf_component_register)
    cmake_parse_arguments(_ "" "KCONFIG;KCONFIG_PROJBUILD"
        "SRCS;SRC_DIRS;EXCLUDE_SRCS;INCLUDE_DIRS;PRIV_INCLUDE_DIRS;LDFRAGMENTS;REQUIRES;PRIV_REQUIRES;REQUIRED_IDF_TARGETS;EMBED_FILES;EMBED_TXTFILES"
        "${ARGV}")
    set(__component_requires "${__REQUIRES}")
    set(__component_priv_requires "${__PRIV_REQUIRES}")
    set(__component_registered 1)
    return()
endmacro()

function(get_requirements)
    set(COMPONENT_NAME healthchecks)
    set(COMPONENT_DIR ${HC_ROOT})
    set(__component_registered 0)
    include(${HC_ROOT}/CMakeLists.txt)
    set(__component_requires "${__component_requires}" PARENT_SCOPE)
    set(__component_priv_requires "${__component_priv_requires}" PARENT_SCOPE)
    set(__component_registered ${__component_registered} PARENT_SCOPE)
endfunction()

get_requirements()
if(NOT __component_registered)
    message(FATAL_ERROR "the component never called idf_component_register in early expansion")
endif()
file(WRITE ${OUT} "REQUIRES=${__component_requires}\nPRIV_REQUIRES=${__component_priv_requires}\n")
