/* placeholder until the error table lands */
#include <clusapi/errors.h>
const char *cluster_strerror(uint32_t code) { (void)code; return "unknown error"; }
