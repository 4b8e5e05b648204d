/* placeholder: being written */
typedef int hc_placeholder_t;
