# lwIP and Mbed TLS compiled from their source trees for a firmware, with
# the firmware's own configuration headers (the sources come from Debian's
# source packages: scripts/build-deps.sh prints where they are).
#
#   hc_add_lwip(TARGET LWIP_DIR CONFIG_DIR)
#       static library TARGET: lwIP's core (IPv4, UDP, TCP, DNS, DHCP, ...)
#       and its Ethernet layer. CONFIG_DIR holds lwipopts.h and arch/cc.h;
#       it and lwIP's headers are public include directories.
#
#   hc_add_mbedtls(PREFIX MBEDTLS_DIR CONFIG_DIR CONFIG_FILE)
#       static libraries PREFIXcrypto and PREFIXx509, built with
#       MBEDTLS_CONFIG_FILE=CONFIG_FILE (found in CONFIG_DIR), and the
#       interface target PREFIXconfig carrying that setting.
#
#   hc_add_mbedtls_tls(TARGET PREFIX IN_LEN OUT_LEN)
#       static library TARGET: Mbed TLS's TLS layer with
#       MBEDTLS_SSL_IN_CONTENT_LEN / OUT_CONTENT_LEN set to IN_LEN / OUT_LEN
#       (empty: the configuration's), over PREFIXcrypto and PREFIXx509.
#       Only this layer depends on the record sizes, so variants of it
#       share one build of the rest.
include_guard(GLOBAL)

function(hc_add_lwip target lwip_dir config_dir)
    if(NOT EXISTS ${lwip_dir}/src/include/lwip/opt.h)
        message(FATAL_ERROR "no lwIP source tree at ${lwip_dir}")
    endif()
    # lwIP's own src/Filelists.cmake would also write into the source tree
    # and add targets of its own: the file lists are simple enough to glob.
    file(GLOB sources ${lwip_dir}/src/core/*.c ${lwip_dir}/src/core/ipv4/*.c)
    add_library(${target} STATIC ${sources} ${lwip_dir}/src/netif/ethernet.c)
    target_include_directories(${target} PUBLIC ${config_dir})
    target_include_directories(${target} SYSTEM PUBLIC ${lwip_dir}/src/include)
endfunction()

# Mbed TLS's library/ holds three libraries; which file is which goes by name.
set(HC_MBEDTLS_TLS_FILES "/(ssl_[^/]*|debug|mps_reader|mps_trace|net_sockets)\\.c$")
set(HC_MBEDTLS_X509_FILES "/(x509[^/]*|pkcs7)\\.c$")

function(hc_add_mbedtls prefix mbedtls_dir config_dir config_file)
    if(NOT EXISTS ${mbedtls_dir}/include/mbedtls/build_info.h)
        message(FATAL_ERROR "no Mbed TLS 3 source tree at ${mbedtls_dir}")
    endif()
    file(GLOB sources ${mbedtls_dir}/library/*.c)
    set(x509 ${sources})
    list(FILTER x509 INCLUDE REGEX "${HC_MBEDTLS_X509_FILES}")
    set(crypto ${sources})
    list(FILTER crypto EXCLUDE REGEX "${HC_MBEDTLS_TLS_FILES}")
    list(FILTER crypto EXCLUDE REGEX "${HC_MBEDTLS_X509_FILES}")

    add_library(${prefix}config INTERFACE)
    target_include_directories(${prefix}config INTERFACE ${config_dir})
    target_include_directories(${prefix}config SYSTEM INTERFACE ${mbedtls_dir}/include)
    target_compile_definitions(${prefix}config INTERFACE
        MBEDTLS_CONFIG_FILE="${config_file}")
    add_library(${prefix}crypto STATIC ${crypto})
    add_library(${prefix}x509 STATIC ${x509})
    foreach(lib crypto x509)
        target_include_directories(${prefix}${lib} PRIVATE ${mbedtls_dir}/library)
        target_link_libraries(${prefix}${lib} PUBLIC ${prefix}config)
    endforeach()
    target_link_libraries(${prefix}x509 PUBLIC ${prefix}crypto)
    set_property(TARGET ${prefix}config PROPERTY HC_MBEDTLS_DIR ${mbedtls_dir})
endfunction()

function(hc_add_mbedtls_tls target prefix in_len out_len)
    get_target_property(mbedtls_dir ${prefix}config HC_MBEDTLS_DIR)
    file(GLOB sources ${mbedtls_dir}/library/*.c)
    list(FILTER sources INCLUDE REGEX "${HC_MBEDTLS_TLS_FILES}")
    add_library(${target} STATIC ${sources})
    target_include_directories(${target} PRIVATE ${mbedtls_dir}/library)
    target_link_libraries(${target} PUBLIC ${prefix}x509)
    if(in_len)
        target_compile_definitions(${target} PUBLIC MBEDTLS_SSL_IN_CONTENT_LEN=${in_len})
    endif()
    if(out_len)
        target_compile_definitions(${target} PUBLIC MBEDTLS_SSL_OUT_CONTENT_LEN=${out_len})
    endif()
endfunction()
