# The ESP-IDF component: the library with the ports ESP-IDF needs (lwIP
# sockets, mbedTLS, and port/esp_idf: clock, randomness, the certificate
# bundle, Kconfig's runtime defaults). jsmn (public: hc_json.h includes
# <jsmn.h>) comes from espressif/jsmn through idf_component.yml.
#
# IDF first includes the root CMakeLists.txt in script mode to read the
# requirements (idf_component_register returns at once there, and CONFIG_*
# are not yet loaded), so nothing before that call may need a project or a
# target, and the requirements may not depend on the configuration.
set(hc_idf_sources ${HC_PING_SOURCES} ${HC_PORT_LWIP_SOCKETS_SOURCES}
    ${HC_PORT_MBEDTLS_SOURCES} ${HC_PORT_ESP_IDF_SOURCES})
if(CONFIG_HC_WITH_OUTBOX)
    list(APPEND hc_idf_sources ${HC_OUTBOX_SOURCES})
endif()
if(CONFIG_HC_WITH_MANAGEMENT)
    list(APPEND hc_idf_sources ${HC_MANAGEMENT_SOURCES})
endif()
idf_component_register(SRCS ${hc_idf_sources}
                       INCLUDE_DIRS ${HC_INCLUDE_PUBLIC_DIRS} ${HC_PORT_LWIP_INCLUDE_DIRS}
                                    ${HC_PORT_MBEDTLS_INCLUDE_DIRS} ${HC_PORT_ESP_IDF_INCLUDE_DIRS}
                       REQUIRES lwip mbedtls
                       PRIV_REQUIRES esp_timer nvs_flash)

# Kconfig's CONFIG_HC_<X> becomes HC_<X> for every limit of hc_config.h,
# as a public definition: the structs must have the same size in every
# component that includes the headers.
file(STRINGS ${HC_CORE_DIR}/include/healthchecks/hc_config.h hc_limits
     REGEX "^#define HC_[A-Z0-9_]+ ")
foreach(line ${hc_limits})
    string(REGEX REPLACE "^#define (HC_[A-Z0-9_]+) .*" "\\1" macro "${line}")
    if(DEFINED CONFIG_${macro})
        target_compile_definitions(${COMPONENT_LIB} PUBLIC ${macro}=${CONFIG_${macro}})
    endif()
endforeach()
# espressif/jsmn's Kconfig can give jsmntok_t a parent field; hc_jsmn.c
# (which fills the tokens) and every caller must then agree on it.
if(CONFIG_JSMN_PARENT_LINKS)
    target_compile_definitions(${COMPONENT_LIB} PUBLIC JSMN_PARENT_LINKS)
endif()
# A ping-only component: healthchecks.h leaves out the management headers.
if(NOT CONFIG_HC_WITH_MANAGEMENT)
    target_compile_definitions(${COMPONENT_LIB} PUBLIC HC_WITH_MANAGEMENT=0)
endif()
